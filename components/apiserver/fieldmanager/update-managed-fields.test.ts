import { describe, expect, test } from "bun:test";
import { patchMetaFor } from "../patch/builtin-patch-meta.ts";
import type { JsonObject } from "../patch/json-value.ts";
import { readManagedFields } from "./managed-fields-entry.ts";
import { updateManagedFields } from "./update-managed-fields.ts";

const meta = patchMetaFor("apps/v1", "Deployment");
const t1 = new Date("2026-11-22T03:00:00Z");
const t2 = new Date("2026-11-22T03:05:00Z");

function deployment(): JsonObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "hello",
      namespace: "default",
      uid: "u1",
      resourceVersion: "7",
      creationTimestamp: "2026-11-22T03:00:00Z",
      generation: 1,
      labels: { app: "hello" },
      annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}\n" },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "hello" } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%" } },
      template: {
        metadata: { labels: { app: "hello" } },
        spec: { containers: [{ name: "hello", image: "nginx" }] },
      },
    },
  };
}

function fieldsOf(obj: JsonObject, manager: string): JsonObject | undefined {
  return readManagedFields(obj).find((e) => e.manager === manager)?.fieldsV1;
}

describe("updateManagedFields", () => {
  test("a create records an Update entry with every field the creator set", () => {
    const obj = updateManagedFields(
      undefined,
      deployment(),
      "kubectl-client-side-apply",
      "Update",
      "apps/v1",
      {
        meta,
        now: t1,
      },
    );
    expect(readManagedFields(obj)).toEqual([
      {
        manager: "kubectl-client-side-apply",
        operation: "Update",
        apiVersion: "apps/v1",
        time: "2026-11-22T03:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": {
            "f:annotations": { ".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {} },
            "f:labels": { ".": {}, "f:app": {} },
          },
          "f:spec": {
            "f:replicas": {},
            "f:selector": {},
            "f:strategy": { "f:rollingUpdate": { ".": {}, "f:maxSurge": {} }, "f:type": {} },
            "f:template": {
              "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
              "f:spec": {
                "f:containers": { 'k:{"name":"hello"}': { ".": {}, "f:image": {}, "f:name": {} } },
              },
            },
          },
        },
      },
    ]);
  });

  test("an update moves the changed fields to the writer", () => {
    const created = updateManagedFields(undefined, deployment(), "creator", "Update", "apps/v1", {
      meta,
      now: t1,
    });
    const after = structuredClone(created);
    (after.spec as JsonObject).replicas = 3;
    const updated = updateManagedFields(created, after, "kubectl-scale", "Update", "apps/v1", {
      meta,
      now: t2,
      subresource: "scale",
    });
    const entries = readManagedFields(updated);
    expect(entries.map((e) => [e.manager, e.subresource, e.time])).toEqual([
      ["creator", undefined, "2026-11-22T03:00:00Z"],
      ["kubectl-scale", "scale", "2026-11-22T03:05:00Z"],
    ]);
    expect(fieldsOf(updated, "kubectl-scale")).toEqual({ "f:spec": { "f:replicas": {} } });
    expect(
      (fieldsOf(updated, "creator")?.["f:spec"] as JsonObject | undefined)?.["f:replicas"],
    ).toBeUndefined();
  });

  test("removed fields leave every manager's set; empty entries disappear", () => {
    const created = updateManagedFields(undefined, deployment(), "creator", "Update", "apps/v1", {
      meta,
      now: t1,
    });
    const labelled = structuredClone(created);
    ((labelled.metadata as JsonObject).labels as JsonObject).tier = "web";
    const withLabel = updateManagedFields(created, labelled, "kubectl-label", "Update", "v1", {
      meta,
      now: t2,
    });
    expect(fieldsOf(withLabel, "kubectl-label")).toEqual({ "f:metadata": { "f:labels": { "f:tier": {} } } });
    const unlabelled = structuredClone(withLabel);
    delete ((unlabelled.metadata as JsonObject).labels as JsonObject).tier;
    const result = updateManagedFields(withLabel, unlabelled, "kubectl-label", "Update", "v1", {
      meta,
      now: t2,
    });
    expect(readManagedFields(result).map((e) => e.manager)).toEqual(["creator"]);
  });

  test("a write that changes nothing leaves the entries (and their times) alone", () => {
    const created = updateManagedFields(undefined, deployment(), "creator", "Update", "apps/v1", {
      meta,
      now: t1,
    });
    const same = updateManagedFields(created, structuredClone(created), "creator", "Update", "apps/v1", {
      meta,
      now: t2,
    });
    expect(same).toEqual(created);
    const other = updateManagedFields(created, structuredClone(created), "someone", "Update", "apps/v1", {
      meta,
    });
    expect(readManagedFields(other).map((e) => e.manager)).toEqual(["creator"]);
  });

  test("server-owned metadata is never tracked", () => {
    const obj = updateManagedFields(
      undefined,
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "c", uid: "x", generation: 1 },
        data: { a: "1" },
      },
      "m",
      "Update",
      "v1",
      { now: t1 },
    );
    expect(fieldsOf(obj, "m")).toEqual({ "f:data": { ".": {}, "f:a": {} } });
  });

  test("a request that rewrites managedFields is taken as given (kubectl's migration patch)", () => {
    const created = updateManagedFields(undefined, deployment(), "creator", "Update", "apps/v1", {
      meta,
      now: t1,
    });
    const rewritten = structuredClone(created);
    const entries = [
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "apps/v1",
        time: "t",
        fieldsType: "FieldsV1",
        fieldsV1: {},
      },
    ];
    (rewritten.metadata as JsonObject).managedFields = entries;
    (rewritten.spec as JsonObject).replicas = 9;
    const result = updateManagedFields(created, rewritten, "kubectl", "Update", "apps/v1", { meta, now: t2 });
    expect((result.metadata as JsonObject).managedFields).toEqual(entries);
  });

  test("`[]` or `[{}]` resets managedFields; the write's own changes are recorded afresh (upstream isResetManagedFields)", () => {
    const created = updateManagedFields(undefined, deployment(), "creator", "Update", "apps/v1", {
      meta,
      now: t1,
    });
    for (const reset of [[], [{}]]) {
      const same = structuredClone(created);
      (same.metadata as JsonObject).managedFields = reset;
      const cleared = updateManagedFields(created, same, "controller", "Update", "apps/v1", {
        meta,
        now: t2,
      });
      expect(Object.hasOwn(cleared.metadata as JsonObject, "managedFields")).toBe(false);
      const changed = structuredClone(created);
      (changed.metadata as JsonObject).managedFields = reset;
      (changed.spec as JsonObject).replicas = 2;
      const updated = updateManagedFields(created, changed, "controller", "Update", "apps/v1", {
        meta,
        now: t2,
      });
      expect(readManagedFields(updated).map((e) => e.manager)).toEqual(["controller"]);
      expect(fieldsOf(updated, "controller")).toEqual({ "f:spec": { "f:replicas": {} } });
    }
  });

  test("a write without managedFields keeps the live ones (upstream decodeLiveOrNew)", () => {
    const created = updateManagedFields(undefined, deployment(), "creator", "Update", "apps/v1", {
      meta,
      now: t1,
    });
    {
      const after = structuredClone(created);
      delete (after.metadata as JsonObject).managedFields;
      (after.spec as JsonObject).replicas = 2;
      const updated = updateManagedFields(created, after, "controller", "Update", "apps/v1", {
        meta,
        now: t2,
      });
      expect(readManagedFields(updated).map((e) => e.manager)).toEqual(["creator", "controller"]);
      expect(fieldsOf(updated, "controller")).toEqual({ "f:spec": { "f:replicas": {} } });
      // Nothing else changed: the live entries come back as they were.
      const same = structuredClone(created);
      delete (same.metadata as JsonObject).managedFields;
      expect(
        updateManagedFields(created, same, "controller", "Update", "apps/v1", { meta, now: t2 }),
      ).toEqual(created);
    }
  });

  test("without patch meta, lists are owned whole", () => {
    const obj = updateManagedFields(
      undefined,
      {
        apiVersion: "example.com/v1",
        kind: "Widget",
        metadata: { name: "w" },
        spec: { items: [{ name: "a" }] },
      },
      "m",
      "Update",
      "example.com/v1",
      { now: t1 },
    );
    expect(fieldsOf(obj, "m")).toEqual({ "f:spec": { "f:items": {} } });
  });

  test("inputs are not mutated", () => {
    const before = deployment();
    const after = deployment();
    (after.spec as JsonObject).replicas = 2;
    const copies = structuredClone([before, after]);
    updateManagedFields(before, after, "m", "Update", "apps/v1", { meta });
    expect([before, after]).toEqual(copies);
  });
});
