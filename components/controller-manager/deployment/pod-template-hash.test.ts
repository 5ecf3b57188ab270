// The pod-template-hash: FNV-32a, safe encoding, collision count, equality ignoring the label.
import { expect, test } from "bun:test";
import { computeHash, equalIgnoreHash, fnv32a, safeEncode } from "./pod-template-hash.ts";

test("FNV-32a and the safe-encoding alphabet", () => {
  expect(fnv32a(new TextEncoder().encode(""))).toBe(0x811c9dc5);
  expect(fnv32a(new TextEncoder().encode("a"))).toBe(0xe40c292c);
  expect(safeEncode("0123456789")).toBe("456789bcdf");
});

test("the hash is stable across key order and empty fields, and moves with the collision count", () => {
  const a = { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "c", image: "i" }] } };
  const b = {
    spec: { containers: [{ image: "i", name: "c", env: [] }] },
    metadata: { labels: { app: "x" } },
  };
  expect(computeHash(a)).toBe(computeHash(b));
  expect(computeHash(a)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
  expect(computeHash(a, 1)).not.toBe(computeHash(a));
  expect(computeHash(a, 1)).toBe(computeHash(a, 1));
});

test("templates equal but for pod-template-hash and a null creationTimestamp (kubectl rollout undo)", () => {
  const deployment = {
    metadata: { labels: { app: "x" } },
    spec: { containers: [{ name: "c", image: "i" }] },
  };
  const rs = {
    metadata: { labels: { app: "x", "pod-template-hash": "abc" } },
    spec: { containers: [{ name: "c", image: "i" }] },
  };
  const undone = { metadata: { labels: { app: "x" }, creationTimestamp: null }, spec: rs.spec } as never;
  expect(equalIgnoreHash(deployment, rs)).toBe(true);
  expect(equalIgnoreHash(undone, rs)).toBe(true);
  expect(equalIgnoreHash(deployment, { ...rs, spec: { containers: [{ name: "c", image: "j" }] } })).toBe(
    false,
  );
});
