// The ownerReference graph: edges, virtual owners, what each change queues.
import { expect, test } from "bun:test";
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { blockingDependents, DependencyGraph, type ObjectIdentity } from "./dependency-graph.ts";

function setup() {
  const deletes: string[] = [];
  const orphans: string[] = [];
  const graph = new DependencyGraph({
    attemptToDelete: (n) => deletes.push(n.identity.uid),
    attemptToOrphan: (n) => orphans.push(n.identity.uid),
  });
  return { graph, deletes, orphans };
}

const id = (kind: string, uid: string): ObjectIdentity => ({
  apiVersion: kind === "Pod" ? "v1" : "apps/v1",
  kind,
  namespace: "ns",
  name: uid,
  uid,
});
const ref = (kind: string, uid: string, blockOwnerDeletion = true) => ({
  apiVersion: "apps/v1",
  kind,
  name: uid,
  uid,
  controller: true,
  blockOwnerDeletion,
});
const meta = (extra: ObjectMeta = {}): ObjectMeta => extra;

test("an owner seen first, then a dependent: an edge and nothing queued", () => {
  const { graph, deletes } = setup();
  graph.observe(id("ReplicaSet", "rs"), meta());
  graph.observe(id("Pod", "p1"), meta({ ownerReferences: [ref("ReplicaSet", "rs")] }));
  expect([...(graph.get("rs")?.dependents ?? [])].map((n) => n.identity.uid)).toEqual(["p1"]);
  expect(deletes).toEqual([]);
});

test("a dependent seen first makes a virtual owner, queued for verification, observed later", () => {
  const { graph, deletes } = setup();
  graph.observe(id("Pod", "p1"), meta({ ownerReferences: [ref("ReplicaSet", "rs")] }));
  const owner = graph.get("rs");
  expect(owner?.observed).toBe(false);
  expect(owner?.identity).toEqual({
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    namespace: "ns",
    name: "rs",
    uid: "rs",
  });
  expect(deletes).toEqual(["rs"]);
  graph.observe(id("ReplicaSet", "rs"), meta());
  expect(graph.get("rs")?.observed).toBe(true);
  expect(graph.get("rs")?.dependents.size).toBe(1);
});

test("an owner removed queues its dependents; a dependent dropping its only virtual owner removes it", () => {
  const { graph, deletes } = setup();
  graph.observe(id("ReplicaSet", "rs"), meta());
  graph.observe(id("Pod", "p1"), meta({ ownerReferences: [ref("ReplicaSet", "rs")] }));
  graph.remove("rs");
  expect(deletes).toEqual(["p1"]);
  expect(graph.get("rs")).toBeUndefined();

  graph.observe(id("Pod", "p2"), meta({ ownerReferences: [ref("ReplicaSet", "gone")] }));
  expect(graph.get("gone")?.observed).toBe(false);
  graph.observe(id("Pod", "p2"), meta({ ownerReferences: [] }));
  expect(graph.get("gone")).toBeUndefined();
});

test("the foregroundDeletion finalizer queues the dependents and the owner; a dependent leaving re-queues the owner", () => {
  const { graph, deletes } = setup();
  graph.observe(id("ReplicaSet", "rs"), meta());
  graph.observe(id("Pod", "p1"), meta({ ownerReferences: [ref("ReplicaSet", "rs")] }));
  graph.observe(id("Pod", "p2"), meta({ ownerReferences: [ref("ReplicaSet", "rs", false)] }));
  graph.observe(
    id("ReplicaSet", "rs"),
    meta({ deletionTimestamp: "2024-01-01T00:00:00Z", finalizers: ["foregroundDeletion"] }),
  );
  const rs = graph.get("rs");
  expect(rs?.deletingDependents).toBe(true);
  expect(deletes.sort()).toEqual(["p1", "p2", "rs"]);
  expect(rs ? blockingDependents(rs).map((n) => n.identity.uid) : []).toEqual(["p1"]);
  deletes.length = 0;
  graph.remove("p1");
  expect(deletes).toEqual(["rs"]);
  expect(rs ? blockingDependents(rs) : [1]).toEqual([]);
});

test("the orphan finalizer on a deleting owner queues it for orphaning", () => {
  const { graph, orphans } = setup();
  graph.observe(id("ReplicaSet", "rs"), meta({ finalizers: ["orphan"] }));
  expect(orphans).toEqual([]);
  graph.observe(
    id("ReplicaSet", "rs"),
    meta({ deletionTimestamp: "2024-01-01T00:00:00Z", finalizers: ["orphan"] }),
  );
  expect(orphans).toEqual(["rs"]);
});

test("blockOwnerDeletion turned off re-queues a foreground-deleting owner", () => {
  const { graph, deletes } = setup();
  graph.observe(
    id("ReplicaSet", "rs"),
    meta({ deletionTimestamp: "2024-01-01T00:00:00Z", finalizers: ["foregroundDeletion"] }),
  );
  graph.observe(id("Pod", "p1"), meta({ ownerReferences: [ref("ReplicaSet", "rs")] }));
  deletes.length = 0;
  graph.observe(id("Pod", "p1"), meta({ ownerReferences: [ref("ReplicaSet", "rs", false)] }));
  expect(deletes).toEqual(["rs"]);
});
