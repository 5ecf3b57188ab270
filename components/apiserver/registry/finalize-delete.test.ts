// What a delete answers: a Success Status naming the resource for most kinds, the object for
// the stores with ReturnDeletedObject and for every object that was only marked.
import { expect, test } from "bun:test";
import { finalizeDelete } from "./finalize-delete.ts";
import type { Stored } from "./object.ts";

const obj = (name: string, extra: Record<string, unknown> = {}): Stored => ({
  metadata: { name, uid: "u-1", resourceVersion: "7", ...extra },
});

test("a removed ConfigMap or Deployment answers upstream's Status, group only when not core", () => {
  expect(finalizeDelete({ group: "", plural: "configmaps" }, { obj: obj("a"), deleted: true })).toEqual({
    status: {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Success",
      details: { name: "a", kind: "configmaps", uid: "u-1" },
    },
  });
  const apps = finalizeDelete({ group: "apps", plural: "deployments" }, { obj: obj("web"), deleted: true });
  // Byte order as upstream's StatusDetails: name, group, kind, uid; no code.
  expect(JSON.stringify("status" in apps ? apps.status : undefined)).toBe(
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"web","group":"apps","kind":"deployments","uid":"u-1"}}',
  );
});

test("pods, services, namespaces, PVs, PVCs, service accounts and storage classes answer the object", () => {
  for (const [group, plural] of [
    ["", "pods"],
    ["", "services"],
    ["", "namespaces"],
    ["", "persistentvolumes"],
    ["", "persistentvolumeclaims"],
    ["", "serviceaccounts"],
    ["storage.k8s.io", "storageclasses"],
  ] as const) {
    const o = obj("x");
    expect(finalizeDelete({ group, plural }, { obj: o, deleted: true })).toEqual({ object: o });
  }
  // Same plural in another group is not the core store.
  expect(
    "status" in finalizeDelete({ group: "kt.example.com", plural: "pods" }, { obj: obj("x"), deleted: true }),
  ).toBe(true);
});

test("an object only marked for deletion (finalizers, grace period) is answered as it now is", () => {
  const marked = obj("a", { deletionTimestamp: "2026-01-02T03:04:05Z", finalizers: ["kt/hold"] });
  expect(finalizeDelete({ group: "", plural: "configmaps" }, { obj: marked, deleted: false })).toEqual({
    object: marked,
  });
});
