import { describe, expect, test } from "bun:test";
import { PodResync } from "./pod-resync.ts";

describe("PodResync", () => {
  test("each item comes up once per period, spread evenly over its ticks", () => {
    const items = new Map(Array.from({ length: 120 }, (_, i) => [i, i]));
    const resync = new PodResync(items, 60_000, 1000);
    const seen = new Map<number, number>();
    const perTick: number[] = [];
    for (let tick = 0; tick < 60; tick++) {
      const due = resync.due();
      perTick.push(due.length);
      for (const i of due) seen.set(i, (seen.get(i) ?? 0) + 1);
    }
    expect(perTick.every((n) => n === 2)).toBe(true);
    expect(seen.size).toBe(120);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });

  test("fewer items than ticks: one now and then, each within the period; items added later are reached", () => {
    const items = new Map([
      ["a", "a"],
      ["b", "b"],
    ]);
    const resync = new PodResync(items, 10_000, 1000);
    const order: string[] = [];
    for (let tick = 0; tick < 10; tick++) order.push(...resync.due());
    expect(order.sort()).toEqual(["a", "b"]);
    items.set("c", "c");
    const next: string[] = [];
    for (let tick = 0; tick < 10; tick++) next.push(...resync.due());
    expect(next.sort()).toEqual(["a", "b", "c"]);
  });

  test("no items: nothing due, and no credit piles up for later", () => {
    const items = new Map<string, string>();
    const resync = new PodResync(items, 60_000, 1000);
    for (let tick = 0; tick < 100; tick++) expect(resync.due()).toEqual([]);
    items.set("x", "x");
    expect(resync.due()).toEqual([]);
  });
});
