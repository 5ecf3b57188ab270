// Unit tests of the PDB status numbers: healthy counting, disrupted-pod expiry, the condition.
import { expect, test } from "bun:test";
import type { Pod } from "kubernetes-types/core/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import { buildDisruptedPodMap, countHealthyPods, DELETION_TIMEOUT_MS, pdbStatus } from "./pdb-status.ts";

const ready = (name: string, extra: Partial<Pod["metadata"]> = {}): Pod => ({
  metadata: { name, ...extra },
  status: { conditions: [{ type: "Ready", status: "True" }] },
});
const now = new Date("2024-01-01T00:10:00Z");

test("countHealthyPods skips deleting, recently disrupted and unready pods", () => {
  const pods = [
    ready("a"),
    ready("b", { deletionTimestamp: "2024-01-01T00:00:00Z" }),
    ready("c"),
    { metadata: { name: "d" }, status: { conditions: [{ type: "Ready", status: "False" }] } },
  ];
  expect(countHealthyPods(pods, { c: "2024-01-01T00:09:30Z" }, now)).toBe(1);
  expect(countHealthyPods(pods, { c: "2024-01-01T00:00:00Z" }, now)).toBe(2);
});

test("buildDisruptedPodMap keeps pods within the deletion timeout and reports the overdue", () => {
  const pdb: PodDisruptionBudget = {
    status: {
      currentHealthy: 0,
      desiredHealthy: 0,
      disruptionsAllowed: 0,
      expectedPods: 0,
      disruptedPods: { a: "2024-01-01T00:09:00Z", b: "2024-01-01T00:00:00Z", gone: "2024-01-01T00:09:00Z" },
    },
  };
  const result = buildDisruptedPodMap([ready("a"), ready("b")], pdb, now);
  expect(result.pods).toEqual({ a: "2024-01-01T00:09:00Z" });
  expect(result.overdue.map((p) => p.metadata?.name)).toEqual(["b"]);
  expect(result.recheckAt?.getTime()).toBe(Date.parse("2024-01-01T00:09:00Z") + DELETION_TIMEOUT_MS);
});

test("pdbStatus: no expected pods means no disruptions; the condition keeps its transition time", () => {
  const pdb: PodDisruptionBudget = { metadata: { generation: 2 } };
  const none = pdbStatus(
    pdb,
    { currentHealthy: 3, desiredHealthy: 1, expectedPods: 0, disruptedPods: {} },
    now,
  );
  expect(none.disruptionsAllowed).toBe(0);
  expect(none.conditions?.[0]).toMatchObject({
    status: "False",
    reason: "InsufficientPods",
    observedGeneration: 2,
  });
  const some = pdbStatus(
    pdb,
    { currentHealthy: 3, desiredHealthy: 1, expectedPods: 3, disruptedPods: {} },
    now,
  );
  expect(some).toMatchObject({ disruptionsAllowed: 2, observedGeneration: 2 });
  expect(some.conditions?.[0]).toMatchObject({ status: "True", reason: "SufficientPods" });
  const later = new Date(now.getTime() + 60_000);
  const again = pdbStatus(
    { ...pdb, status: some },
    { currentHealthy: 2, desiredHealthy: 1, expectedPods: 3, disruptedPods: {} },
    later,
  );
  expect(again.conditions?.[0]?.lastTransitionTime).toBe(some.conditions?.[0]?.lastTransitionTime);
});
