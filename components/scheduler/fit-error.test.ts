// Unit tests of the FailedScheduling message: reasons counted and sorted, the preemption part,
// a PreFilter rejection, and absent nodes.

import { describe, expect, test } from "bun:test";
import { fitErrorMessage } from "./fit-error.ts";
import { unresolvable, unschedulable } from "./status.ts";

describe("fitErrorMessage", () => {
  test("counts each reason over the nodes, sorted, then the preemption message", () => {
    const nodeStatuses = new Map([
      ["a", unschedulable("Insufficient cpu", "Insufficient memory")],
      ["b", unschedulable("Insufficient cpu")],
      ["c", unresolvable("node(s) had untolerated taint {k: v}")],
    ]);
    expect(
      fitErrorMessage({
        numAllNodes: 3,
        nodeStatuses,
        postFilterMessage: "preemption: 0/3 nodes are available: 3 x.",
      }),
    ).toBe(
      "0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {k: v}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 x..",
    );
  });

  test("a PreFilter rejection replaces the per-node reasons; absent nodes take the absent status", () => {
    expect(fitErrorMessage({ numAllNodes: 2, nodeStatuses: new Map(), preFilterMessage: "no" })).toBe(
      "0/2 nodes are available: no.",
    );
    expect(
      fitErrorMessage({
        numAllNodes: 3,
        nodeStatuses: new Map([["a", unschedulable("Insufficient cpu")]]),
        absentStatus: unresolvable("Preemption is not helpful for scheduling"),
      }),
    ).toBe("0/3 nodes are available: 1 Insufficient cpu, 2 Preemption is not helpful for scheduling.");
  });
});
