import { describe, expect, test } from "bun:test";
import { patchMetaFor } from "../patch/builtin-patch-meta.ts";
import type { JsonObject } from "../patch/json-value.ts";
import { goJsonEncode } from "./go-json.ts";
import { LAST_APPLIED_ANNOTATION } from "./last-applied.ts";
import { readManagedFields } from "./managed-fields-entry.ts";
import { applyServerSide } from "./server-side-apply.ts";
import { updateManagedFields } from "./update-managed-fields.ts";

const meta = patchMetaFor("apps/v1", "Deployment");
const now = new Date("2026-11-22T03:00:00Z");

function config(replicas: number, image = "nginx"): JsonObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default" },
    spec: {
      replicas,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image }] } },
    },
  };
}

/** What `kubectl apply` (client-side) stores: the object plus its last-applied annotation. */
function clientSideApplied(applied: JsonObject, lastApplied = applied): JsonObject {
  const obj = structuredClone(applied);
  const annotated = structuredClone(lastApplied);
  (annotated.metadata as JsonObject).annotations = {};
  (obj.metadata as JsonObject).annotations = { [LAST_APPLIED_ANNOTATION]: `${JSON.stringify(annotated)}\n` };
  return updateManagedFields(undefined, obj, "kubectl-client-side-apply", "Update", "apps/v1", { meta, now });
}

const annotationOf = (obj: JsonObject) =>
  ((obj.metadata as JsonObject).annotations as JsonObject)[LAST_APPLIED_ANNOTATION];

describe("upgrading client-side apply to server-side apply (manager kubectl)", () => {
  test("fields the annotation still describes are taken over without a conflict", () => {
    const live = clientSideApplied(config(2));
    const { object, conflicts } = applyServerSide(live, config(3), meta, "kubectl", false, { now });
    expect(conflicts).toEqual([]);
    expect((object.spec as JsonObject).replicas).toBe(3);
    const [csa, ssa] = readManagedFields(object);
    expect(csa?.manager).toBe("kubectl-client-side-apply");
    expect((csa?.fieldsV1["f:spec"] as JsonObject | undefined)?.["f:replicas"]).toBeUndefined();
    expect(ssa).toMatchObject({ manager: "kubectl", operation: "Apply" });
    expect((ssa?.fieldsV1["f:spec"] as JsonObject | undefined)?.["f:replicas"]).toEqual({});
  });

  test("the annotation follows the server-side apply, encoded as Go encodes it", () => {
    const live = clientSideApplied(config(2));
    const { object } = applyServerSide(live, config(3, "a<b>&c"), meta, "kubectl", false, { now });
    expect(annotationOf(object)).toBe(
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},' +
        '"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},' +
        '"spec":{"containers":[{"image":"a\\u003cb\\u003e\\u0026c","name":"c"}]}}}}\n',
    );
    // The stored object it came from is not touched.
    expect(annotationOf(live)).toContain('"replicas":2');
  });

  test("a field changed since the last client-side apply still conflicts", () => {
    const live = clientSideApplied(config(2));
    const scaled = updateManagedFields(
      live,
      { ...live, spec: { ...(live.spec as JsonObject), replicas: 7 } },
      "kubectl-scale",
      "Update",
      "apps/v1",
      { meta, now },
    );
    const { object, conflicts } = applyServerSide(scaled, config(3), meta, "kubectl", false, { now });
    expect(conflicts.map((c) => `${c.manager} ${c.field}`)).toEqual(["kubectl-scale .spec.replicas"]);
    expect(object).toEqual(scaled);
  });

  test("only conflicts the annotation does not allow are reported", () => {
    // The annotation says image nginx:old but the live object runs nginx (edited by hand).
    const live = clientSideApplied(config(2), config(2, "nginx:old"));
    const { conflicts } = applyServerSide(live, config(3, "nginx:new"), meta, "kubectl", false, { now });
    expect(conflicts.map((c) => c.field)).toEqual(['.spec.template.spec.containers[name="c"].image']);
  });

  test("other managers, a missing annotation or another apiVersion get the conflicts", () => {
    const live = clientSideApplied(config(2));
    expect(applyServerSide(live, config(3), meta, "helm", false, { now }).conflicts).toHaveLength(1);
    const bare = structuredClone(live);
    delete (bare.metadata as JsonObject).annotations;
    expect(applyServerSide(bare, config(3), meta, "kubectl", false, { now }).conflicts).toHaveLength(1);
    const other = clientSideApplied(config(2), { ...config(2), apiVersion: "apps/v1beta2" });
    expect(applyServerSide(other, config(3), meta, "kubectl", false, { now }).conflicts).toHaveLength(1);
    const broken = structuredClone(live);
    ((broken.metadata as JsonObject).annotations as JsonObject)[LAST_APPLIED_ANNOTATION] = "{not json";
    expect(applyServerSide(broken, config(3), meta, "kubectl", false, { now }).conflicts).toHaveLength(1);
  });

  test("an object without the annotation does not gain one", () => {
    const { object } = applyServerSide(undefined, config(1), meta, "kubectl", false, { now });
    const next = applyServerSide(object, config(2), meta, "kubectl", false, { now }).object;
    expect((next.metadata as JsonObject).annotations).toBeUndefined();
  });

  test("an annotation that would pass the 256 KiB annotation limit is dropped", () => {
    const live = clientSideApplied(config(2));
    const big = config(3);
    (big.metadata as JsonObject).labels = { big: "x".repeat(300 * 1024) };
    const { object } = applyServerSide(live, big, meta, "kubectl", false, { now });
    expect((object.metadata as JsonObject).annotations).toEqual({});
  });
});

describe("goJsonEncode", () => {
  test("sorted keys at every depth, HTML characters escaped, a trailing newline", () => {
    expect(goJsonEncode({ b: 1, a: { d: [{ z: 1, y: "<&>" }], c: null } })).toBe(
      '{"a":{"c":null,"d":[{"y":"\\u003c\\u0026\\u003e","z":1}]},"b":1}\n',
    );
    expect(goJsonEncode("\u2028")).toBe('"\\u2028"\n');
  });
});
