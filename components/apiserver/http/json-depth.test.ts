import { expect, test } from "bun:test";
import { busyMs } from "../../../test/harness/busy-ms.ts";
import { jsonDepthError, MAX_JSON_DEPTH, MAX_OBJECT_DEPTH, valueDepthError } from "./json-depth.ts";

test("nesting up to Go's 10000 levels passes; one more is Go's error", () => {
  const ok = "[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH);
  expect(jsonDepthError(ok)).toBeUndefined();
  expect(jsonDepthError(`{"a":${"[".repeat(MAX_JSON_DEPTH)}`)).toBe(
    "invalid character '[' exceeded max depth",
  );
});

test("brackets inside strings (escaped quotes too) do not count", () => {
  const s = JSON.stringify({ a: `\\"${"[".repeat(20_000)}` });
  expect(jsonDepthError(s)).toBeUndefined();
  expect(jsonDepthError('{"a":"\\\\"}')).toBeUndefined();
  expect(jsonDepthError(`{"a":"unterminated ${"[".repeat(20_000)}`)).toBeUndefined();
});

test("500,000 levels are refused in milliseconds", () => {
  const deep = "[".repeat(500_000) + "]".repeat(500_000);
  let error: string | undefined;
  expect(busyMs(() => (error = jsonDepthError(deep)))).toBeLessThan(200);
  expect(error).toBeDefined();
  const long = JSON.stringify({ a: "x".repeat(3_000_000) });
  expect(busyMs(() => (error = jsonDepthError(long)))).toBeLessThan(50);
  expect(error).toBeUndefined();
});

test("a parsed value is measured the same way; stored objects stay two levels under Go's limit", () => {
  let deep: unknown = 1;
  for (let i = 0; i < MAX_OBJECT_DEPTH; i++) deep = i % 2 ? [deep] : { a: deep };
  expect(valueDepthError(deep)).toBeUndefined();
  expect(valueDepthError({ x: deep })).toMatch(/exceeded max depth$/);
  expect(jsonDepthError(JSON.stringify({ x: deep }), MAX_OBJECT_DEPTH)).toMatch(/exceeded max depth$/);
  expect(jsonDepthError(JSON.stringify({ items: [{ x: deep }] }))).toMatch(/exceeded max depth$/);
  expect(jsonDepthError(JSON.stringify({ items: [deep] }))).toBeUndefined();
});

test("text no longer than the limit passes unscanned; one bracket more is refused", () => {
  expect(jsonDepthError("[[[[[", 5)).toBeUndefined();
  expect(jsonDepthError("[[[[[", 4)).toBe("invalid character '[' exceeded max depth");
  expect(jsonDepthError('{"a":{"b":[1]}}', 3)).toBeUndefined();
  expect(jsonDepthError('{"a":{"b":[{}]}}', 3)).toBe("invalid character '{' exceeded max depth");
});
