// The atomic writer: the ..data swap, symlinked names, unchanged payloads left alone, removed
// names, nested paths, modes, and bad paths refused.
import { afterEach, beforeEach, expect, test } from "bun:test";
import {
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Payload, PayloadPathError, writeAtomically } from "./atomic-writer.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kt-atomic-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const payload = (entries: Record<string, string>, mode = 0o644): Payload =>
  new Map(Object.entries(entries).map(([k, v]) => [k, { data: v, mode }]));

test("files are symlinks through ..data into one timestamped directory", () => {
  expect(
    writeAtomically(
      dir,
      payload({ token: "t1", "ca.crt": "ca", "sub/key": "k" }),
      new Date("2026-12-07T10:00:00Z"),
    ),
  ).toBe(true);
  const data = readlinkSync(join(dir, "..data"));
  expect(data).toMatch(/^\.\.2026_12_07_10_00_00\./);
  expect(readlinkSync(join(dir, "token"))).toBe("..data/token");
  expect(readlinkSync(join(dir, "sub"))).toBe("..data/sub");
  expect(readFileSync(join(dir, "token"), "utf8")).toBe("t1");
  expect(readFileSync(join(dir, "sub/key"), "utf8")).toBe("k");
  expect(statSync(join(dir, "token")).mode & 0o777).toBe(0o644);
  expect(readdirSync(dir).sort()).toEqual(["..data", data, "ca.crt", "sub", "token"].sort());
});

test("an unchanged payload is not rewritten; a change swaps ..data and removes the old generation", () => {
  writeAtomically(dir, payload({ token: "t1", namespace: "ns" }));
  const first = readlinkSync(join(dir, "..data"));
  expect(writeAtomically(dir, payload({ token: "t1", namespace: "ns" }))).toBe(false);
  expect(readlinkSync(join(dir, "..data"))).toBe(first);

  // A reader holding the old token file keeps reading whole contents; new opens see the new one.
  const held = readFileSync(join(dir, "token"), "utf8");
  expect(writeAtomically(dir, payload({ token: "t2" }))).toBe(true);
  const second = readlinkSync(join(dir, "..data"));
  expect(second).not.toBe(first);
  expect(held).toBe("t1");
  expect(readFileSync(join(dir, "token"), "utf8")).toBe("t2");
  const names = readdirSync(dir).sort();
  expect(names).toEqual(["..data", second, "token"].sort());
});

test("a mode change alone is a change", () => {
  writeAtomically(dir, payload({ a: "x" }, 0o644));
  expect(writeAtomically(dir, payload({ a: "x" }, 0o600))).toBe(true);
  expect(statSync(join(dir, "a")).mode & 0o777).toBe(0o600);
});

test("a file the old non-atomic writer left is replaced by the symlink", () => {
  writeFileSync(join(dir, "token"), "stale");
  writeAtomically(dir, payload({ token: "fresh" }));
  expect(lstatSync(join(dir, "token")).isSymbolicLink()).toBe(true);
  expect(readFileSync(join(dir, "token"), "utf8")).toBe("fresh");
});

test("paths that escape or hide behind .. are refused, and nothing is written", () => {
  for (const bad of ["../etc/passwd", "/abs", "a/../../b", "..data", ""])
    expect(() => writeAtomically(dir, payload({ [bad]: "x" }))).toThrow(PayloadPathError);
  expect(readdirSync(dir)).toEqual([]);
});
