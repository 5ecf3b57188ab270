// Expectation handlers: pod events lower the owner's counted expectations once per pod state
// change; an owner's deletion forgets its expectations and queues it.
import { expect, test } from "bun:test";
import type { Pod } from "kubernetes-types/core/v1";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { ControllerExpectations } from "./controller-expectations.ts";
import { ownerHandlers, podExpectationHandlers } from "./expectation-handlers.ts";

const pod = (name: string, owner: string | undefined, deleting = false): Pod => ({
  metadata: {
    name,
    namespace: "ns",
    labels: owner ? { owner } : {},
    deletionTimestamp: deleting ? "2026-01-01T00:00:00Z" : undefined,
  },
});
const ownerKey = (p: Pod) => (p.metadata?.labels?.owner ? `ns/${p.metadata.labels.owner}` : undefined);

test("adds count as creations; a terminating add, a start of termination or an abrupt delete as deletions", () => {
  const e = new ControllerExpectations();
  const h = podExpectationHandlers(e, ownerKey);
  e.expect("ns/ds", 2, 3);
  h.onAdd?.(pod("a", "ds"));
  h.onAdd?.(pod("b", "ds", true));
  expect(e.pending("ns/ds")).toEqual({ add: 0, del: 2 });
  h.onUpdate?.(pod("c", "ds"), pod("c", "ds", true));
  // Already counted when it started terminating: its removal does not count again.
  h.onDelete?.(pod("c", "ds", true));
  h.onUpdate?.(pod("c", "ds", true), pod("c", "ds", true));
  expect(e.pending("ns/ds")).toEqual({ add: 0, del: 1 });
  h.onDelete?.(pod("d", "ds"));
  expect(e.satisfied("ns/ds")).toBe(true);
  // Pods without an owner touch nothing.
  e.expect("ns/ds", 1, 1);
  h.onAdd?.(pod("e", undefined));
  h.onDelete?.(pod("e", undefined));
  expect(e.pending("ns/ds")).toEqual({ add: 1, del: 1 });
});

test("owner handlers queue the owner and forget its expectations when it is deleted", async () => {
  const e = new ControllerExpectations();
  const queue = new WorkQueue();
  const h = ownerHandlers(queue, e);
  e.expect("ns/ds", 1, 0);
  h.onUpdate?.({ metadata: { name: "ds", namespace: "ns" } }, { metadata: { name: "ds", namespace: "ns" } });
  expect(e.pending("ns/ds")).toEqual({ add: 1, del: 0 });
  h.onDelete?.({ metadata: { name: "ds", namespace: "ns" } });
  expect(e.pending("ns/ds")).toBeUndefined();
  expect(queue.length).toBe(1);
  expect(await queue.get()).toBe("ns/ds");
});
