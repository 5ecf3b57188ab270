import { describe, expect, test } from "bun:test";
import type { PatchMeta } from "./patch-meta.ts";
import { applyStrategicMergePatch } from "./strategic-merge-patch.ts";

// Facts from apimachinery's strategicpatch tests: a live list, a 3-way patch, the result.
const meta: PatchMeta = {
  fields: { mergingList: { strategy: "merge", mergeKey: "name" }, mergingIntList: { strategy: "merge" } },
};

const n = (name: number, extra: Record<string, unknown> = {}) => ({ name, ...extra });
const order = (...names: number[]) => names.map((name) => ({ name }));

type Case = [description: string, current: unknown[], patch: Record<string, unknown>, result: unknown[]];

const mapCases: Case[] = [
  [
    "add multiple items in a list and preserve order",
    [n(1, { other: "a" }), n(2, { value: 2, other: "b" })],
    {
      "$setElementOrder/mergingList": order(1, 4, 2, 3),
      mergingList: [n(4, { value: 4 }), n(3, { value: 3 })],
    },
    [n(1, { other: "a" }), n(4, { value: 4 }), n(2, { value: 2, other: "b" }), n(3, { value: 3 })],
  ],
  [
    "delete an item in a list and preserve order",
    [n(1, { other: "a" }), n(2, { value: 2, other: "b" }), n(3, { value: 3 })],
    { "$setElementOrder/mergingList": order(2, 1), mergingList: [n(3, { $patch: "delete" })] },
    [n(2, { value: 2, other: "b" }), n(1, { other: "a" })],
  ],
  [
    "change an item in a list and preserve order",
    [n(1, { other: "a" }), n(2, { value: 2, other: "b" }), n(3, { value: 3 })],
    { "$setElementOrder/mergingList": order(2, 3, 1), mergingList: [n(3, { value: "x" })] },
    [n(2, { value: 2, other: "b" }), n(3, { value: "x" }), n(1, { other: "a" })],
  ],
  [
    "add and delete an item in a list and preserve order",
    [n(1, { other: "a" }), n(2, { value: 2, other: "b" }), n(3, { value: 3 })],
    {
      "$setElementOrder/mergingList": order(4, 2, 1),
      mergingList: [n(4, { value: 4 }), n(3, { $patch: "delete" })],
    },
    [n(4, { value: 4 }), n(2, { value: 2, other: "b" }), n(1, { other: "a" })],
  ],
  [
    "set elements order in a list",
    [n(1, { other: "a" }), n(3, { value: 3 }), n(4, { value: 4 }), n(2, { value: 2 })],
    { "$setElementOrder/mergingList": order(4, 2, 3, 1) },
    [n(4, { value: 4 }), n(2, { value: 2 }), n(3, { value: 3 }), n(1, { other: "a" })],
  ],
  [
    "set elements order in a list with server-only items",
    [n(1, { other: "a" }), n(3, { value: 3 }), n(4, { value: 4 }), n(2, { value: 2 }), n(9)],
    { "$setElementOrder/mergingList": order(4, 2, 3, 1) },
    [n(4, { value: 4 }), n(2, { value: 2 }), n(3, { value: 3 }), n(1, { other: "a" }), n(9)],
  ],
  [
    "set elements order in a list with server-only items 2",
    [n(1, { other: "a" }), n(2, { value: 2 }), n(9), n(3, { value: 3 }), n(4, { value: 4 })],
    { "$setElementOrder/mergingList": order(2, 1, 4, 3) },
    [n(2, { value: 2 }), n(1, { other: "a" }), n(9), n(4, { value: 4 }), n(3, { value: 3 })],
  ],
  [
    "set elements order in a list with server-only items 3",
    [n(1, { other: "a" }), n(2, { value: 2 }), n(7), n(9), n(8), n(3, { value: 3 }), n(4, { value: 4 })],
    { "$setElementOrder/mergingList": order(2, 1, 4, 3) },
    [n(2, { value: 2 }), n(1, { other: "a" }), n(7), n(9), n(8), n(4, { value: 4 }), n(3, { value: 3 })],
  ],
  [
    "set element order for a merging list with duplicates",
    [n(1), n(2, { value: "dup1" }), n(3), n(2, { value: "dup2" }), n(4)],
    { "$setElementOrder/mergingList": order(2, 1, 4, 3, 2) },
    [n(2, { value: "dup1" }), n(2, { value: "dup2" }), n(1), n(4), n(3)],
  ],
];

const intCases: Case[] = [
  ["add an item", [1, 2], { "$setElementOrder/mergingIntList": [3, 1, 2], mergingIntList: [3] }, [3, 1, 2]],
  [
    "add multiple items",
    [1, 2],
    { "$setElementOrder/mergingIntList": [1, 4, 2, 3], mergingIntList: [4, 3] },
    [1, 4, 2, 3],
  ],
  [
    "delete an item",
    [1, 2, 3],
    { "$setElementOrder/mergingIntList": [2, 1], "$deleteFromPrimitiveList/mergingIntList": [3] },
    [2, 1],
  ],
  [
    "add and delete an item",
    [1, 2, 3],
    {
      "$setElementOrder/mergingIntList": [4, 2, 1],
      mergingIntList: [4],
      "$deleteFromPrimitiveList/mergingIntList": [3],
    },
    [4, 2, 1],
  ],
  ["set elements order", [1, 3, 4, 2], { "$setElementOrder/mergingIntList": [4, 2, 3, 1] }, [4, 2, 3, 1]],
  [
    "with server-only items",
    [1, 3, 4, 2, 9],
    { "$setElementOrder/mergingIntList": [4, 2, 3, 1] },
    [4, 2, 3, 1, 9],
  ],
  [
    "with server-only items 2",
    [1, 2, 9, 3, 4],
    { "$setElementOrder/mergingIntList": [2, 1, 4, 3] },
    [2, 1, 9, 4, 3],
  ],
  [
    "with server-only items 3",
    [1, 2, 7, 9, 8, 3, 4],
    { "$setElementOrder/mergingIntList": [2, 1, 4, 3] },
    [2, 1, 7, 9, 8, 4, 3],
  ],
  [
    "with duplicates",
    [1, 2, 3, 2, 4],
    { "$setElementOrder/mergingIntList": [2, 1, 4, 3, 2] },
    [2, 2, 1, 4, 3],
  ],
];

describe("order of merged lists of maps (upstream 3-way cases)", () => {
  for (const [description, current, patch, result] of mapCases) {
    test(description, () => {
      expect(applyStrategicMergePatch({ mergingList: current }, patch, meta)).toEqual({
        mergingList: result,
      });
    });
  }
});

describe("order of merged primitive lists (upstream 3-way cases)", () => {
  for (const [description, current, patch, result] of intCases) {
    test(description, () => {
      expect(applyStrategicMergePatch({ mergingIntList: current }, patch, meta)).toEqual({
        mergingIntList: result,
      });
    });
  }
});
