import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setVolumeOwnership } from "./volume-ownership.ts";

const root = process.getuid?.() === 0;
let dir = "";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kt-ownership-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!root)("setVolumeOwnership (needs root for chown)", () => {
  test("read-write: group rw on files, setgid and group rwx on dirs, the group everywhere", () => {
    const vol = join(dir, "rw");
    mkdirSync(join(vol, "sub"), { recursive: true, mode: 0o755 });
    chmodSync(vol, 0o755);
    writeFileSync(join(vol, "sub", "f"), "x", { mode: 0o600 });
    chmodSync(join(vol, "sub", "f"), 0o600);
    setVolumeOwnership(vol, 2345, false);
    for (const path of [vol, join(vol, "sub")]) {
      const info = statSync(path);
      expect(info.gid).toBe(2345);
      expect(info.mode & 0o7777).toBe(0o2775);
    }
    const file = statSync(join(vol, "sub", "f"));
    expect(file.gid).toBe(2345);
    expect(file.mode & 0o7777).toBe(0o660);
  });

  test("read-only (configMap, secret): group r; symlinks are chowned but their targets keep their mode", () => {
    const vol = join(dir, "ro");
    mkdirSync(join(vol, "..2026_ts"), { recursive: true, mode: 0o755 });
    chmodSync(vol, 0o755);
    chmodSync(join(vol, "..2026_ts"), 0o755);
    writeFileSync(join(vol, "..2026_ts", "key"), "v");
    chmodSync(join(vol, "..2026_ts", "key"), 0o400);
    symlinkSync("..2026_ts", join(vol, "..data"));
    symlinkSync("..data/key", join(vol, "key"));
    setVolumeOwnership(vol, 3000, true);
    expect(statSync(join(vol, "..2026_ts", "key")).mode & 0o7777).toBe(0o440);
    expect(statSync(join(vol, "..2026_ts")).mode & 0o7777).toBe(0o2755);
    expect(lstatSync(join(vol, "key")).gid).toBe(3000);
    expect(lstatSync(join(vol, "..data")).gid).toBe(3000);
    expect(statSync(join(vol, "..2026_ts", "key")).gid).toBe(3000);
  });

  test("a missing volume dir throws (the caller reports FailedMount)", () => {
    expect(() => setVolumeOwnership(join(dir, "nope"), 1, false)).toThrow(/ENOENT/);
  });
});
