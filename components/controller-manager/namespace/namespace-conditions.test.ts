// Namespace deletion conditions: upstream's reasons and messages, transition times.
import { expect, test } from "bun:test";
import type { Namespace } from "kubernetes-types/core/v1";
import { emptyReport, updateConditions } from "./namespace-conditions.ts";

const t0 = new Date("2024-01-01T00:00:00.123Z");
const t1 = new Date("2024-01-01T00:01:00Z");

test("a clean pass sets all five conditions False with upstream's ok reasons", () => {
  const ns: Namespace = {};
  expect(updateConditions(ns, emptyReport(), t0)).toBe(true);
  expect(ns.status?.conditions).toEqual([
    {
      type: "NamespaceDeletionDiscoveryFailure",
      status: "False",
      reason: "ResourcesDiscovered",
      message: "All resources successfully discovered",
      lastTransitionTime: "2024-01-01T00:00:00Z",
    },
    {
      type: "NamespaceDeletionGroupVersionParsingFailure",
      status: "False",
      reason: "ParsedGroupVersions",
      message: "All legacy kube types successfully parsed",
      lastTransitionTime: "2024-01-01T00:00:00Z",
    },
    {
      type: "NamespaceDeletionContentFailure",
      status: "False",
      reason: "ContentDeleted",
      message: "All content successfully deleted, may be waiting on finalization",
      lastTransitionTime: "2024-01-01T00:00:00Z",
    },
    {
      type: "NamespaceContentRemaining",
      status: "False",
      reason: "ContentRemoved",
      message: "All content successfully removed",
      lastTransitionTime: "2024-01-01T00:00:00Z",
    },
    {
      type: "NamespaceFinalizersRemaining",
      status: "False",
      reason: "ContentRemoved",
      message: "All content successfully removed",
      lastTransitionTime: "2024-01-01T00:00:00Z",
    },
  ]);
  expect(updateConditions(ns, emptyReport(), t1)).toBe(false);
});

test("remaining content, finalizers, failures: sorted messages, transition time only on a flip", () => {
  const ns: Namespace = {};
  updateConditions(ns, emptyReport(), t0);
  const report = emptyReport();
  report.remaining.set("pods.", 2);
  report.remaining.set("configmaps.", 1);
  report.finalizers.set("kt.example.com/hold", 1);
  report.contentErrors.push("b failed", "a failed");
  report.discoveryFailures.push("metrics.k8s.io/v1beta1: unavailable");
  expect(updateConditions(ns, report, t1)).toBe(true);
  const byType = Object.fromEntries((ns.status?.conditions ?? []).map((c) => [c.type, c]));
  expect(byType.NamespaceContentRemaining).toMatchObject({
    status: "True",
    reason: "SomeResourcesRemain",
    message:
      "Some resources are remaining: configmaps. has 1 resource instances, pods. has 2 resource instances",
    lastTransitionTime: "2024-01-01T00:01:00Z",
  });
  expect(byType.NamespaceFinalizersRemaining).toMatchObject({
    status: "True",
    reason: "SomeFinalizerRemain",
    message: "Some finalizers are remaining: kt.example.com/hold in 1 resource instances",
  });
  expect(byType.NamespaceDeletionContentFailure).toMatchObject({
    reason: "ContentDeletionFailed",
    message: "Failed to delete all resource types, 2 remaining: a failed, b failed",
  });
  expect(byType.NamespaceDeletionDiscoveryFailure).toMatchObject({
    reason: "DiscoveryFailed",
    message: "Discovery failed for some groups, 1 failing: metrics.k8s.io/v1beta1: unavailable",
  });
  expect(byType.NamespaceDeletionGroupVersionParsingFailure?.lastTransitionTime).toBe("2024-01-01T00:00:00Z");
});
