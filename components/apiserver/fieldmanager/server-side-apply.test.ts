import { describe, expect, test } from "bun:test";
import { patchMetaFor } from "../patch/builtin-patch-meta.ts";
import type { JsonObject } from "../patch/json-value.ts";
import { ApplyConflictError } from "./apply-conflict-error.ts";
import { readManagedFields } from "./managed-fields-entry.ts";
import { applyServerSide } from "./server-side-apply.ts";
import { updateManagedFields } from "./update-managed-fields.ts";

const meta = patchMetaFor("apps/v1", "Deployment");
const now = new Date("2026-11-22T03:00:00.123Z");
const later = new Date("2026-11-22T04:00:00Z");

function config(replicas: number, image = "nginx:1.27", extra: JsonObject = {}): JsonObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "hello", namespace: "default", labels: { app: "hello" } },
    spec: {
      replicas,
      selector: { matchLabels: { app: "hello" } },
      template: {
        metadata: { labels: { app: "hello" } },
        spec: { containers: [{ name: "hello", image, ports: [{ containerPort: 80 }] }] },
      },
      ...extra,
    },
  };
}

/** What the registry stores after a create: server fields plus the creator's Update entry. */
function created(obj: JsonObject, manager: string): JsonObject {
  const stored = structuredClone(obj);
  Object.assign(stored.metadata as JsonObject, { uid: "u1", resourceVersion: "1", generation: 1 });
  return updateManagedFields(undefined, stored, manager, "Update", "apps/v1", { meta, now });
}

describe("applyServerSide", () => {
  test("creates the object when absent and records an Apply entry with a real FieldsV1 set", () => {
    const { object, conflicts } = applyServerSide(undefined, config(2), meta, "kubectl", false, { now });
    expect(conflicts).toEqual([]);
    expect((object.spec as JsonObject).replicas).toBe(2);
    expect(readManagedFields(object)).toEqual([
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "apps/v1",
        time: "2026-11-22T03:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": {
            "f:replicas": {},
            "f:selector": {},
            "f:template": {
              "f:metadata": { "f:labels": { "f:app": {} } },
              "f:spec": {
                "f:containers": {
                  'k:{"name":"hello"}': {
                    ".": {},
                    "f:image": {},
                    "f:name": {},
                    "f:ports": {
                      'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ]);
  });

  test("conflicts with kubectl-client-side-apply on .spec.replicas (spec section 10)", () => {
    const live = created(config(1), "kubectl-client-side-apply");
    const { object, conflicts } = applyServerSide(live, config(3), meta, "kubectl", false, { now: later });
    expect(conflicts).toEqual([
      {
        manager: "kubectl-client-side-apply",
        field: ".spec.replicas",
        operation: "Update",
        apiVersion: "apps/v1",
      },
    ]);
    expect(object).toEqual(live);
    const error = new ApplyConflictError(conflicts);
    expect(error.code).toBe(409);
    expect(error.reason).toBe("Conflict");
    expect(error.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
    expect(error.causes).toEqual([
      {
        reason: "FieldManagerConflict",
        message: 'conflict with "kubectl-client-side-apply" using apps/v1',
        field: ".spec.replicas",
      },
    ]);
  });

  test("the same values are shared, not conflicts", () => {
    const live = created(config(1), "kubectl-client-side-apply");
    const { object, conflicts } = applyServerSide(live, config(1), meta, "kubectl", false, { now: later });
    expect(conflicts).toEqual([]);
    const managers = readManagedFields(object).map((e) => `${e.manager}/${e.operation}`);
    expect(managers).toEqual(["kubectl-client-side-apply/Update", "kubectl/Apply"]);
  });

  test("force takes the conflicting fields from the other manager", () => {
    const live = created(config(1), "kubectl-client-side-apply");
    const { object, conflicts } = applyServerSide(live, config(3), meta, "kubectl", true, { now: later });
    expect(conflicts).toEqual([]);
    expect((object.spec as JsonObject).replicas).toBe(3);
    const [csa, ssa] = readManagedFields(object);
    expect(csa?.manager).toBe("kubectl-client-side-apply");
    expect((csa?.fieldsV1["f:spec"] as JsonObject | undefined)?.["f:replicas"]).toBeUndefined();
    expect((ssa?.fieldsV1["f:spec"] as JsonObject | undefined)?.["f:replicas"]).toEqual({});
    // A second apply by the same manager no longer conflicts.
    const again = applyServerSide(object, config(4), meta, "kubectl", false, { now: later });
    expect(again.conflicts).toEqual([]);
    expect((again.object.spec as JsonObject).replicas).toBe(4);
  });

  test("an owner that wrote through a subresource is printed with it, as upstream's printManager", () => {
    const error = new ApplyConflictError([
      {
        manager: "kubectl",
        field: ".spec.replicas",
        operation: "Update",
        apiVersion: "apps/v1",
        subresource: "scale",
      },
    ]);
    expect(error.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
    );
  });

  test("several owners are listed in the order of upstream's manager identifiers", () => {
    const error = new ApplyConflictError([
      { manager: "kubectl", field: ".spec.paused", operation: "Update", apiVersion: "apps/v1" },
      {
        manager: "kubectl",
        field: ".spec.replicas",
        operation: "Update",
        apiVersion: "apps/v1",
        subresource: "scale",
      },
    ]);
    expect(error.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl" with subresource "scale" using apps/v1:\n' +
        '- .spec.replicas\nconflicts with "kubectl" using apps/v1:\n- .spec.paused',
    );
  });

  test("conflicts on a list-map item field print its key", () => {
    const live = created(config(1, "nginx:1.27"), "kubectl-edit");
    const { conflicts } = applyServerSide(live, config(1, "nginx:1.28"), meta, "kubectl", false);
    expect(conflicts.map((c) => c.field)).toEqual(['.spec.template.spec.containers[name="hello"].image']);
    expect(
      new ApplyConflictError([...conflicts, { manager: "other", field: ".spec.paused", operation: "Apply" }])
        .message,
    ).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-edit" using apps/v1:\n' +
        '- .spec.template.spec.containers[name="hello"].image\nconflicts with "other":\n- .spec.paused',
    );
  });

  test("merges into fields other managers set and keeps them", () => {
    const first = applyServerSide(undefined, config(1), meta, "kubectl", false, { now }).object;
    const scaled = updateManagedFields(
      first,
      { ...first, spec: { ...(first.spec as JsonObject), paused: true } },
      "kubectl-rollout",
      "Update",
      "apps/v1",
      { meta, now },
    );
    const { object } = applyServerSide(scaled, config(1, "nginx:1.28"), meta, "kubectl", false, {
      now: later,
    });
    const spec = object.spec as JsonObject;
    expect(spec.paused).toBe(true);
    expect(((spec.template as JsonObject).spec as JsonObject).containers).toEqual([
      { name: "hello", image: "nginx:1.28", ports: [{ containerPort: 80 }] },
    ]);
  });

  test("removes fields the manager no longer applies, unless another manager owns them", () => {
    const withSidecar = config(1);
    const containers = ((withSidecar.spec as JsonObject).template as JsonObject).spec as JsonObject;
    (containers.containers as JsonObject[]).push({ name: "sidecar", image: "busybox" });
    (withSidecar.metadata as JsonObject).annotations = { note: "x" };
    (withSidecar.spec as JsonObject).minReadySeconds = 5;
    const first = applyServerSide(undefined, withSidecar, meta, "kubectl", false, { now }).object;
    // Another manager also sets minReadySeconds to the same value: it co-owns it.
    const shared = applyServerSide(
      first,
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "hello" },
        spec: { minReadySeconds: 5 },
      },
      meta,
      "other",
      false,
      { now },
    ).object;
    const { object } = applyServerSide(shared, config(1), meta, "kubectl", false, { now: later });
    const spec = object.spec as JsonObject;
    expect(((spec.template as JsonObject).spec as JsonObject).containers).toEqual([
      { name: "hello", image: "nginx:1.27", ports: [{ containerPort: 80 }] },
    ]);
    expect((object.metadata as JsonObject).annotations).toEqual({});
    expect(spec.minReadySeconds).toBe(5);
  });

  test("apply records the manager once and updates its entry in place", () => {
    const first = applyServerSide(undefined, config(1), meta, "kubectl", false, { now }).object;
    const second = applyServerSide(first, config(2), meta, "kubectl", false, { now: later }).object;
    const entries = readManagedFields(second);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.time).toBe("2026-11-22T04:00:00Z");
    expect((second.spec as JsonObject).replicas).toBe(2);
  });

  test("kubectl's client-side to server-side apply upgrade: apply, last-applied apply, migration", () => {
    const lastApplied = '{"kind":"Deployment"}\n';
    const csa = config(1);
    (csa.metadata as JsonObject).annotations = {
      "kubectl.kubernetes.io/last-applied-configuration": lastApplied,
    };
    const live = created(csa, "kubectl-client-side-apply");
    // Step 1: the same values, so the applier co-owns them.
    const step1 = applyServerSide(live, config(1), meta, "kubectl", false, { now: later });
    expect(step1.conflicts).toEqual([]);
    // The server rewrote the annotation to what kubectl applied (upstream's lastAppliedUpdater).
    const current = ((step1.object.metadata as JsonObject).annotations as JsonObject)[
      "kubectl.kubernetes.io/last-applied-configuration"
    ] as string;
    expect(JSON.parse(current)).toEqual(config(1));
    // Step 2: kubectl re-applies the current annotation value under kubectl-last-applied.
    const justAnnotation = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: "hello",
        namespace: "default",
        annotations: { "kubectl.kubernetes.io/last-applied-configuration": current },
      },
    };
    const step2 = applyServerSide(step1.object, justAnnotation, meta, "kubectl-last-applied", false, {
      now: later,
    });
    expect(step2.conflicts).toEqual([]);
    expect(readManagedFields(step2.object).map((e) => `${e.manager}/${e.operation}`)).toEqual([
      "kubectl-client-side-apply/Update",
      "kubectl/Apply",
      "kubectl-last-applied/Apply",
    ]);
    expect(readManagedFields(step2.object)[2]?.fieldsV1).toEqual({
      "f:metadata": { "f:annotations": { "f:kubectl.kubernetes.io/last-applied-configuration": {} } },
    });
    // Step 3: kubectl rewrites managedFields with a JSON patch; the write keeps them as sent.
    const migrated = structuredClone(step2.object);
    const entries = readManagedFields(step2.object).filter((e) => e.manager !== "kubectl-client-side-apply");
    (migrated.metadata as JsonObject).managedFields = entries as unknown as JsonObject[];
    const stored = updateManagedFields(step2.object, migrated, "kubectl", "Update", "apps/v1", { meta });
    expect(readManagedFields(stored).map((e) => e.manager)).toEqual(["kubectl", "kubectl-last-applied"]);
    // Now kubectl alone owns replicas, so changing it applies cleanly.
    const scaled = applyServerSide(stored, config(5), meta, "kubectl", false, { now: later });
    expect(scaled.conflicts).toEqual([]);
    expect((scaled.object.spec as JsonObject).replicas).toBe(5);
  });

  test("a no-op apply keeps the stored object identical, timestamps included", () => {
    const first = applyServerSide(undefined, config(1), meta, "kubectl", false, { now }).object;
    const again = applyServerSide(first, config(1), meta, "kubectl", false, { now: later }).object;
    expect(again).toEqual(first);
  });

  test("custom resources (no patch meta) merge maps and replace lists", () => {
    const cr = {
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "w" },
      spec: { items: [1, 2], a: 1 },
    };
    const first = applyServerSide(undefined, cr, undefined, "kubectl", false, { now }).object;
    const { object } = applyServerSide(
      first,
      { ...cr, spec: { items: [3], a: 1 } },
      undefined,
      "kubectl",
      false,
      { now },
    );
    expect(object.spec).toEqual({ items: [3], a: 1 });
    expect(readManagedFields(object)[0]?.fieldsV1).toEqual({ "f:spec": { "f:a": {}, "f:items": {} } });
  });

  test("an applied managedFields is ignored; the input is not mutated", () => {
    const applied = config(1);
    (applied.metadata as JsonObject).managedFields = [{ manager: "evil", operation: "Apply" }];
    const copy = structuredClone(applied);
    const { object } = applyServerSide(undefined, applied, meta, "kubectl", false, { now });
    expect(readManagedFields(object).map((e) => e.manager)).toEqual(["kubectl"]);
    expect(applied).toEqual(copy);
  });

  test("a body that is not an object is a 400", () => {
    expect(() => applyServerSide(undefined, [] as unknown as object, meta, "kubectl", false)).toThrow(
      "apply patch must be an object",
    );
  });
});
