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

test("a node may evict only the pods bound to it (upstream's admitPodEviction), and bind none", async () => {
  const stored: Record<string, KObject> = {
    "ns/mine": { metadata: { name: "mine", namespace: "ns" }, spec: { nodeName: "n1" } },
    "ns/theirs": { metadata: { name: "theirs", namespace: "ns" }, spec: { nodeName: "n2" } },
  };
  const registry = {
    lookup: () => ({
      store: {
        current: async (ns: string, name: string) => {
          const obj = stored[`${ns}/${name}`];
          return obj ? { obj } : undefined;
        },
      },
    }),
  } as unknown as Registry;
  const nr = new NodeRestriction(() => registry);
  const pods = { info: { group: "", plural: "pods", namespaced: true } } as unknown as Entry;
  const eviction = (name: string) =>
    ({
      apiVersion: "policy/v1",
      kind: "Eviction",
      metadata: { name, namespace: "ns" },
    }) as unknown as KObject;
  const n1 = { username: "system:node:n1", groups: ["system:nodes"] };
  const as = (subresource: string) => ({ dryRun: false, subresource, user: n1 });
  await nr.create(pods, eviction("mine"), as("eviction"));
  const refused = (await nr
    .create(pods, eviction("theirs"), as("eviction"))
    .catch((e: unknown) => e)) as StatusError;
  expect([refused.code, refused.message]).toEqual([
    403,
    'pods "theirs" is forbidden: node n1 can only evict pods with spec.nodeName set to itself',
  ]);
  const missing = (await nr
    .create(pods, eviction("gone"), as("eviction"))
    .catch((e: unknown) => e)) as StatusError;
  expect([missing.code, missing.message]).toEqual([404, 'pods "gone" not found']);
  const bound = (await nr
    .create(pods, eviction("mine"), as("binding"))
    .catch((e: unknown) => e)) as StatusError;
  expect(bound.message).toBe(
    "pods \"mine\" is forbidden: unexpected pod subresource \"binding\", only 'status' and 'eviction' are allowed",
  );
  // Anyone else is not NodeRestriction's business.
  await nr.create(pods, eviction("theirs"), {
    dryRun: false,
    subresource: "eviction",
    user: { username: "alice", groups: [] },
  });
});
