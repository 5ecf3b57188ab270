// Aggregated rules: name order, no duplicates, the role itself skipped, any selector matching.
import { expect, test } from "bun:test";
import type { ClusterRole } from "kubernetes-types/rbac/v1";
import { aggregatedRules } from "./cluster-role-aggregation-controller.ts";

const role = (name: string, labels: Record<string, string>, verbs: string[]): ClusterRole => ({
  metadata: { name, labels },
  rules: [{ verbs, apiGroups: [""], resources: ["pods"] }],
});

test("union of matching roles in name order without duplicates", () => {
  const agg: ClusterRole = {
    metadata: { name: "agg", labels: { a: "true" } },
    aggregationRule: {
      clusterRoleSelectors: [{ matchLabels: { a: "true" } }, { matchLabels: { b: "true" } }],
    },
    rules: [{ verbs: ["stale"], apiGroups: [""], resources: ["x"] }],
  };
  const all = [
    agg,
    role("z", { a: "true" }, ["get"]),
    role("m", { b: "true" }, ["list"]),
    role("c", { a: "true" }, ["get"]),
    role("n", {}, ["delete"]),
  ];
  expect(aggregatedRules(agg, all)).toEqual([
    { verbs: ["get"], apiGroups: [""], resources: ["pods"] },
    { verbs: ["list"], apiGroups: [""], resources: ["pods"] },
  ]);
  expect(aggregatedRules({ ...agg, aggregationRule: { clusterRoleSelectors: [] } }, all)).toEqual([]);
});
