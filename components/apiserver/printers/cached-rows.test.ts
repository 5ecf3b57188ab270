// writeCachedRows: rows printed once per item and filled per instant are the rows tableRow prints;
// a printer that reads the clock itself, or an object holding the placeholder character, is
// printed per list instead, and still right.
import { expect, test } from "bun:test";
import { elapsedSince } from "./age.ts";
import { tableRow } from "./build-table.ts";
import { type RowShape, type RowSink, writeCachedRows } from "./cached-rows.ts";
import { column, nameColumn } from "./columns.ts";
import { definePrinter } from "./define-printer.ts";
import { podPrinter } from "./pod-printer.ts";

function rows(shape: RowShape, items: object[], now: Date): { text: string[]; decoded: number } {
  let decoded = 0;
  const text: string[] = [];
  let current = "";
  const sink: RowSink = {
    bytes: (b, from = 0, to = b.length) => {
      current += Buffer.from(b.subarray(from, to)).toString();
    },
    text: (t) => {
      current += t;
    },
  };
  for (const _ of writeCachedRows(
    sink,
    shape,
    items,
    (item) => {
      decoded++;
      return item;
    },
    now,
  )) {
    text.push(current);
    current = "";
  }
  return { text, decoded };
}

const started = Date.parse("2026-01-01T00:00:00Z");
const pods = Array.from({ length: 5 }, (_, i) => ({
  metadata: {
    name: `p${i}`,
    creationTimestamp: new Date(started + i * 1000).toISOString().replace(/\.\d+Z$/, "Z"),
    labels: i === 3 ? { odd: "\u0001-\u0002", text: "\\u0001x\\u0002" } : {},
  },
  spec: { containers: [{ name: "c" }] },
  status: {
    phase: "Running",
    containerStatuses: [
      {
        name: "c",
        ready: true,
        restartCount: i,
        lastState: {
          terminated: { finishedAt: new Date(started + 5000).toISOString().replace(/\.\d+Z$/, "Z") },
        },
      },
    ],
  },
}));

test("rows are printed once and show the time of each list", () => {
  const shape: RowShape = {
    printer: podPrinter,
    include: "Metadata",
    tableApiVersion: "meta.k8s.io/v1",
    objectVersion: "v1",
  };
  let decodes = 0;
  for (const offset of [10_000, 125_000, 3_600_000 * 5, 86_400_000 * 9, 86_400_000 * 800]) {
    const now = new Date(started + offset);
    const got = rows(shape, pods, now);
    decodes += got.decoded;
    expect(got.text).toEqual(
      pods.map((p) => JSON.stringify(tableRow(podPrinter, p, now, "Metadata", "meta.k8s.io/v1"))),
    );
  }
  // Five rows compiled once; the one whose label holds the placeholder character is decoded per list.
  expect(decodes).toBe(5 + 4);
});

test("a printer that reads the clock itself is printed per list", () => {
  const clockPrinter = definePrinter<{ metadata?: { name?: string } }>(
    [nameColumn, column("Seconds", "")],
    (o, now) => ({
      cells: [o.metadata?.name ?? "", Math.floor(now.getTime() / 1000), elapsedSince(started, now)],
    }),
  );
  const shape: RowShape = {
    printer: clockPrinter,
    include: "None",
    tableApiVersion: "meta.k8s.io/v1",
    objectVersion: "v1",
  };
  const items = [{ metadata: { name: "a" } }, { metadata: { name: "b" } }];
  for (const offset of [1000, 61_000]) {
    const now = new Date(started + offset);
    const got = rows(shape, items, now);
    expect(got.decoded).toBe(2);
    expect(got.text).toEqual(
      items.map((o) => JSON.stringify(tableRow(clockPrinter, o, now, "None", "meta.k8s.io/v1"))),
    );
  }
});

test("rows share the stored object's metadata bytes instead of holding a copy", () => {
  const shape: RowShape = {
    printer: podPrinter,
    include: "Metadata",
    tableApiVersion: "meta.k8s.io/v1",
    objectVersion: "v1",
  };
  const pod = {
    metadata: { name: "shared", uid: "u1", creationTimestamp: "2026-01-01T00:00:00Z" },
    spec: {},
  };
  const stored = Buffer.from(JSON.stringify({ metadata: pod.metadata, spec: {} }));
  const decoded = { ...pod, metadata: { ...pod.metadata, resourceVersion: "7" } };
  const now = new Date(started + 1000);
  const write = (): string => {
    let text = "";
    const sink: RowSink = {
      bytes: (b, from = 0, to = b.length) => {
        text += Buffer.from(b.subarray(from, to)).toString();
      },
      text: (t) => {
        text += t;
      },
    };
    for (const _ of writeCachedRows(
      sink,
      shape,
      [decoded],
      (o) => o,
      now,
      () => stored,
    ));
    return text;
  };
  expect(write()).toBe(JSON.stringify(tableRow(podPrinter, decoded, now, "Metadata", "meta.k8s.io/v1")));
  // Items never change; this one does, to show where the row's metadata comes from.
  stored.write("u2", stored.indexOf('"u1"') + 1);
  expect(write()).toContain('"uid":"u2"');
});
