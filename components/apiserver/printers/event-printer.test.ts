// Cases ported from upstream printers_test.go (TestPrintEvent), plus events.k8s.io/v1 objects.

import { expect, test } from "bun:test";
import type { Event } from "kubernetes-types/core/v1";
import type { Event as EventsV1 } from "kubernetes-types/events/v1";
import { eventPrinter, eventsV1EventPrinter } from "./event-printer.ts";

const now = new Date("2024-06-01T12:00:00Z");
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000).toISOString();
const involvedObject = { kind: "Deployment", name: "Deployment Name", fieldPath: "spec.containers{foo}" };
const base = (name: string, extra: Partial<Event>): Event => ({
  metadata: { name },
  involvedObject,
  reason: "Event Reason",
  message: "Message Data",
  type: "Warning",
  source: { component: "kubelet", host: "Node1" },
  ...extra,
});
const row = (e: Event) => eventPrinter.print(e, now).cells;

test("basic event, wide cells", () => {
  expect(row(base("event2", { firstTimestamp: daysAgo(3), lastTimestamp: daysAgo(2), count: 6 }))).toEqual([
    "2d",
    "Warning",
    "Event Reason",
    "deployment/Deployment Name",
    "spec.containers{foo}",
    "kubelet, Node1",
    "Message Data",
    "3d",
    6,
    "event2",
  ]);
  expect(
    row({
      metadata: { name: "event1" },
      involvedObject: { kind: "Pod", name: "Pod Name", fieldPath: "spec.containers{foo}" },
      source: { component: "kubelet" },
      reason: "Event Reason",
      message: "Message Data\n",
      type: "Normal",
      firstTimestamp: daysAgo(3),
      lastTimestamp: daysAgo(2),
      count: 6,
    }).slice(0, 7),
  ).toEqual([
    "2d",
    "Normal",
    "Event Reason",
    "pod/Pod Name",
    "spec.containers{foo}",
    "kubelet",
    "Message Data",
  ]);
});

test("missing first/last timestamps fall back to eventTime; series and singleton counts", () => {
  const pick = (e: Event) => {
    const c = row(e);
    return [c[0], c[7], c[8]];
  };
  expect(pick(base("event3", { eventTime: daysAgo(3), lastTimestamp: daysAgo(3), count: 1 }))).toEqual([
    "3d",
    "3d",
    1,
  ]);
  expect(pick(base("event4", { eventTime: daysAgo(3), firstTimestamp: daysAgo(3), count: 1 }))).toEqual([
    "3d",
    "3d",
    1,
  ]);
  expect(pick(base("event5", { eventTime: daysAgo(3), count: 1 }))).toEqual(["3d", "3d", 1]);
  expect(
    pick(base("event6", { eventTime: daysAgo(3), series: { count: 2, lastObservedTime: daysAgo(2) } })),
  ).toEqual(["2d", "3d", 2]);
  expect(pick(base("event7", { eventTime: daysAgo(3) }))).toEqual(["3d", "3d", 1]);
  expect(pick(base("none", {}))).toEqual(["<unknown>", "<unknown>", 1]);
});

test("source falls back to reportingComponent and reportingInstance", () => {
  const e = base("event2", { source: {}, reportingComponent: "kubelet", reportingInstance: "test" });
  expect(row(e)[5]).toBe("kubelet, test");
  expect(row(base("kindonly", { involvedObject: { kind: "Node" } }))[3]).toBe("node");
});

test("events.k8s.io/v1 events print through the same columns", () => {
  const e: EventsV1 = {
    metadata: { name: "web.17a" },
    eventTime: daysAgo(1),
    regarding: { kind: "Pod", name: "web" },
    reason: "Scheduled",
    note: "Successfully assigned default/web to n1",
    type: "Normal",
    reportingController: "default-scheduler",
    reportingInstance: "default-scheduler-n1",
    action: "Binding",
  };
  expect(eventsV1EventPrinter.print(e, now).cells).toEqual([
    "24h",
    "Normal",
    "Scheduled",
    "pod/web",
    "",
    "default-scheduler, default-scheduler-n1",
    "Successfully assigned default/web to n1",
    "24h",
    1,
    "web.17a",
  ]);
  expect(eventsV1EventPrinter.columns.map((c) => [c.name, c.priority])).toEqual([
    ["Last Seen", 0],
    ["Type", 0],
    ["Reason", 0],
    ["Object", 0],
    ["Subobject", 1],
    ["Source", 1],
    ["Message", 0],
    ["First Seen", 1],
    ["Count", 1],
    ["Name", 1],
  ]);
});
