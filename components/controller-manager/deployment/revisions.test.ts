// Revision annotations: copied Deployment annotations, revision bumps and revision-history.
import { expect, test } from "bun:test";
import type { DeploymentObject, ReplicaSetObject } from "./deployment-types.ts";
import { maxRevision, setNewReplicaSetAnnotations } from "./revisions.ts";

const d: DeploymentObject = {
  metadata: {
    name: "d",
    annotations: { "kubernetes.io/change-cause": "set image", "deployment.kubernetes.io/revision": "9" },
  },
  spec: { replicas: 3, selector: {}, template: {} },
};

test("a new ReplicaSet gets the revision, the replica annotations and the Deployment's annotations", () => {
  const rs: ReplicaSetObject = { metadata: { name: "rs" } };
  expect(setNewReplicaSetAnnotations(d, rs, 2, false, 1)).toBe(true);
  expect(rs.metadata?.annotations).toEqual({
    "kubernetes.io/change-cause": "set image",
    "deployment.kubernetes.io/revision": "2",
    "deployment.kubernetes.io/desired-replicas": "3",
    "deployment.kubernetes.io/max-replicas": "4",
  });
  expect(setNewReplicaSetAnnotations(d, rs, 2, true, 1)).toBe(false);
});

test("a reused ReplicaSet remembers its old revisions", () => {
  const rs: ReplicaSetObject = {
    metadata: { name: "rs", annotations: { "deployment.kubernetes.io/revision": "1" } },
  };
  setNewReplicaSetAnnotations(d, rs, 3, true, 1);
  setNewReplicaSetAnnotations(d, rs, 5, true, 1);
  expect(rs.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("5");
  expect(rs.metadata?.annotations?.["deployment.kubernetes.io/revision-history"]).toBe("1,3");
  expect(maxRevision([rs, { metadata: { annotations: { "deployment.kubernetes.io/revision": "7" } } }])).toBe(
    7,
  );
});
