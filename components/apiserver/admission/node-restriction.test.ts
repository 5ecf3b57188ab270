// NodeRestriction's label rules (upstream's getForbiddenLabels and IsKubeletLabel) and who it
// leaves alone.
import { expect, test } from "bun:test";
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { KObject } from "../registry/object.ts";
import type { Entry, Registry } from "../registry/registry.ts";
import { forbiddenLabels, isKubeletLabel, NodeRestriction } from "./node-restriction.ts";

test("kubelet labels and restricted prefixes", () => {
  expect(isKubeletLabel("kubernetes.io/hostname")).toBe(true);
  expect(isKubeletLabel("node.kubernetes.io/instance-type")).toBe(true);
  expect(isKubeletLabel("foo.kubelet.kubernetes.io/x")).toBe(true);
  expect(isKubeletLabel("node-role.kubernetes.io/master")).toBe(false);
  expect(
    forbiddenLabels({
      "kubernetes.io/hostname": "a",
      "node-restriction.kubernetes.io/pool": "x",
      "example.k8s.io/x": "y",
      team: "a",
      "example.com/x": "y",
    }),
  ).toEqual(["example.k8s.io/x", "node-restriction.kubernetes.io/pool"]);
  // Unchanged labels are fine; removing one counts as a change.
  expect(forbiddenLabels({ "node-role.kubernetes.io/a": "" }, { "node-role.kubernetes.io/a": "" })).toEqual(
    [],
  );
  expect(forbiddenLabels({}, { "node-role.kubernetes.io/a": "" })).toEqual(["node-role.kubernetes.io/a"]);
});

const nodes = { info: { group: "", plural: "nodes", namespaced: false } } as unknown as Entry;
const node = (name: string, labels: Record<string, string> = {}) =>
  ({ apiVersion: "v1", kind: "Node", metadata: { name, labels } }) as unknown as KObject;

test("only node users are restricted; a node without a name is refused", async () => {
  const nr = new NodeRestriction(() => ({}) as Registry);
  await nr.create(nodes, node("other"), {
    dryRun: false,
    subresource: "",
    user: { username: "alice", groups: [] },
  });
  await nr.create(nodes, node("other"), { dryRun: false, subresource: "" });
  const err = await nr
    .create(nodes, node("n1"), {
      dryRun: false,
      subresource: "",
      user: { username: "kubelet", groups: ["system:nodes"] },
    })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(StatusError);
  expect((err as StatusError).message).toBe(
    'nodes "n1" is forbidden: could not determine node from user "kubelet"',
  );
  const labelled = await nr
    .create(nodes, node("n1", { "node-role.kubernetes.io/control-plane": "" }), {
      dryRun: false,
      subresource: "",
      user: { username: "system:node:n1", groups: ["system:nodes"] },
    })
    .catch((e: unknown) => e);
  expect((labelled as StatusError).message).toBe(
    'nodes "n1" is forbidden: node "n1" is not allowed to set the following labels: node-role.kubernetes.io/control-plane',
  );
});
