// SortedKeys against a plain sorted array: inserts and deletes at random (splitting and emptying
// chunks), lower bounds and scans with stops, from a first list and from nothing.
import { expect, test } from "bun:test";
import { SortedKeys } from "./sorted-keys.ts";

function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

const lowerBound = (keys: string[], key: string) => {
  const i = keys.findIndex((k) => k >= key);
  return i < 0 ? keys.length : i;
};

test("inserts, deletes, lower bounds and scans give what one sorted array gives", () => {
  const rand = random(7);
  const key = () => `/registry/events/ns-${Math.floor(rand() * 5)}/e-${Math.floor(rand() * 20000)}`;
  const first = [...new Set(Array.from({ length: 3000 }, key))].sort();
  const keys = SortedKeys.of(first);
  const reference = [...first];
  for (let step = 0; step < 20000; step++) {
    const k = key();
    const at = lowerBound(reference, k);
    if (rand() < 0.6) {
      if (reference[at] !== k) {
        keys.insert(k);
        reference.splice(at, 0, k);
      }
    } else {
      expect(keys.delete(k)).toBe(reference[at] === k);
      if (reference[at] === k) reference.splice(at, 1);
    }
    if (step % 997 === 0) {
      expect(keys.length).toBe(reference.length);
      const probe = key();
      expect(keys.lowerBound(probe)).toBe(lowerBound(reference, probe));
      const from = Math.floor(rand() * reference.length);
      const to = Math.min(reference.length, from + Math.floor(rand() * 2000));
      const seen: string[] = [];
      expect(keys.scan(from, to, (s) => seen.push(s) > 0)).toBe(to);
      expect(seen).toEqual(reference.slice(from, to));
      // A visit that says stop ends the scan there.
      const stopped: string[] = [];
      const end = keys.scan(from, to, (s) => stopped.length < 10 && stopped.push(s) > 0);
      expect(end).toBe(Math.min(to, from + 10));
      expect(stopped).toEqual(reference.slice(from, Math.min(to, from + 10)));
    }
  }
  const all: string[] = [];
  keys.scan(0, keys.length, (s) => all.push(s) > 0);
  expect(all).toEqual(reference);
  // Emptied and filled again.
  for (const k of reference) expect(keys.delete(k)).toBe(true);
  expect(keys.length).toBe(0);
  expect(keys.lowerBound("/a")).toBe(0);
  expect(keys.scan(0, 0, () => true)).toBe(0);
  for (const k of ["b", "a", "c"]) keys.insert(k);
  const again: string[] = [];
  keys.scan(0, 3, (s) => again.push(s) > 0);
  expect(again).toEqual(["a", "b", "c"]);
  expect(keys.delete("zz")).toBe(false);
});
