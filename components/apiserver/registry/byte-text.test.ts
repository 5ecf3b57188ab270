// Buffer's methods on a plain Uint8Array: the same answers as on a Buffer, and no ArrayBuffer
// object made for the array.
import { heapStats } from "bun:jsc";
import { expect, test } from "bun:test";
import { includesBytes, indexOfBytes, latin1Text, startsWithBytes, utf8Text } from "./byte-text.ts";

const encoder = new TextEncoder();

test("answers as Buffer's own methods, for every byte value", () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  expect(latin1Text(all)).toBe(Buffer.from(all).toString("latin1"));
  expect(latin1Text(new Uint8Array(0))).toBe("");
  // A view into a larger array: only its own bytes.
  expect(latin1Text(all.subarray(65, 68))).toBe("ABC");
  const text = encoder.encode('{"metadata":{"name":"ü"},"spec":{"nodeName":"n1"}}');
  const needle = encoder.encode('"nodeName":"');
  const at = indexOfBytes(text, needle);
  expect(at).toBe(Buffer.from(text).indexOf(Buffer.from(needle)));
  expect(indexOfBytes(text, needle, at + 1)).toBe(-1);
  expect(indexOfBytes(text, 0x22, at + needle.length)).toBe(text.length - 3);
  expect(utf8Text(text, 21, 23)).toBe("ü");
  expect(includesBytes(text, encoder.encode('"n1"'))).toBe(true);
  expect(includesBytes(text, encoder.encode('"n2"'))).toBe(false);
  expect(startsWithBytes(text, encoder.encode('{"metadata":{'))).toBe(true);
  expect(startsWithBytes(text, encoder.encode('{"metadata": {'))).toBe(false);
  expect(startsWithBytes(encoder.encode("{"), encoder.encode('{"metadata":{'))).toBe(false);
});

test("reading keys and objects gives them no ArrayBuffer of their own", () => {
  const count = () => {
    Bun.gc(true);
    return heapStats().objectTypeCounts.ArrayBuffer ?? 0;
  };
  const keys = Array.from({ length: 2000 }, (_, i) => encoder.encode(`/registry/pods/ns/p${i}`));
  const values = Array.from({ length: 2000 }, (_, i) =>
    encoder.encode(`{"metadata":{"name":"p${i}${"x".repeat(3000)}"}}`),
  );
  const needle = encoder.encode('"name":"');
  const before = count();
  let chars = 0;
  for (const key of keys) chars += latin1Text(key).length;
  for (const value of values) chars += indexOfBytes(value, needle) + (startsWithBytes(value, needle) ? 1 : 0);
  expect(chars).toBeGreaterThan(0);
  const after = count();
  expect(after - before).toBeLessThan(100);
  // The way it was: an ArrayBuffer per array read (the count from just before this loop: other
  // garbage of the process collected meanwhile made a count from `before` 1998 once in CI).
  for (const key of keys) chars += Buffer.from(key.buffer, key.byteOffset, key.byteLength).length;
  expect(count() - after).toBeGreaterThanOrEqual(1900);
  expect(keys.length + values.length).toBe(4000);
});
