import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mkdirInRootfs, readRootfsFile, secureJoin } from "./rootfs-paths.ts";

const dir = mkdtempSync(join(tmpdir(), "kt-rootfs-"));
const root = join(dir, "root");
const outside = join(dir, "outside");
mkdirSync(join(root, "etc"), { recursive: true });
mkdirSync(outside);
writeFileSync(join(root, "etc", "passwd"), "root:x:0:0::/:/bin/sh\n");
writeFileSync(join(outside, "secret"), "host secret\n");
symlinkSync("/etc", join(root, "abs-link"));
symlinkSync("../../outside", join(root, "rel-escape"));
symlinkSync(outside, join(root, "host-link"));
symlinkSync("/etc/passwd", join(root, "etc", "shadow-link"));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("paths inside a rootfs", () => {
  test("symlinks resolve inside the root, never to the host", async () => {
    expect(await secureJoin(root, "/abs-link/passwd")).toBe(join(root, "etc", "passwd"));
    expect(await secureJoin(root, "/rel-escape/secret")).toBe(join(root, "outside", "secret"));
    expect(await secureJoin(root, "/host-link/secret")).toBe(join(root, outside, "secret"));
    expect(await secureJoin(root, "/../../etc/passwd")).toBe(join(root, "etc", "passwd"));
  });

  test("readRootfsFile reads the image's file through its links, not the host's", async () => {
    expect(await readRootfsFile(root, "/etc/passwd")).toBe("root:x:0:0::/:/bin/sh\n");
    expect(await readRootfsFile(root, "/etc/shadow-link")).toBe("root:x:0:0::/:/bin/sh\n");
    expect(await readRootfsFile(root, "/host-link/secret")).toBeUndefined();
    expect(await readRootfsFile(root, "/etc")).toBeUndefined();
  });

  test("a workingDir is created inside the rootfs even through an escaping link", async () => {
    await mkdirInRootfs(root, "/rel-escape/work/dir");
    expect(existsSync(join(root, "outside", "work", "dir"))).toBe(true);
    expect(existsSync(join(outside, "work"))).toBe(false);
    await expect(mkdirInRootfs(root, "/etc/passwd/x")).rejects.toThrow("is not a directory");
  });
});
