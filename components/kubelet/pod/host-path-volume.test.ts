// hostPath type checks against a real temp dir: the *OrCreate types create with upstream's
// modes, the others refuse the wrong kind with upstream's message, "" creates a missing dir.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkHostPath } from "./host-path-volume.ts";

const dir = mkdtempSync(join(tmpdir(), "kt-hostpath-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, "a-file");
writeFileSync(file, "x");
const sub = join(dir, "a-dir");
mkdirSync(sub);

describe("checkHostPath", () => {
  test("DirectoryOrCreate makes a 0755 directory with its parents; an existing file is refused", () => {
    const path = join(dir, "made", "deep");
    checkHostPath(path, "DirectoryOrCreate");
    expect(statSync(path).isDirectory()).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o755);
    expect(() => checkHostPath(file, "DirectoryOrCreate")).toThrow(
      `hostPath type check failed: ${file} is not a directory`,
    );
  });

  test("FileOrCreate makes an empty 0644 file but not its parent, as upstream", () => {
    const path = join(dir, "new-file");
    checkHostPath(path, "FileOrCreate");
    expect(statSync(path).isFile()).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(() => checkHostPath(join(dir, "no-parent", "f"), "FileOrCreate")).toThrow(
      `open ${join(dir, "no-parent", "f")}: no such file or directory`,
    );
    expect(() => checkHostPath(sub, "FileOrCreate")).toThrow(
      `hostPath type check failed: ${sub} is not a file`,
    );
  });

  test("Directory, File, Socket, CharDevice and BlockDevice must exist as that kind", () => {
    const missing = join(dir, "missing");
    checkHostPath(sub, "Directory");
    checkHostPath(file, "File");
    checkHostPath("/dev/null", "CharDevice");
    expect(() => checkHostPath(missing, "Directory")).toThrow(
      `hostPath type check failed: ${missing} is not a directory`,
    );
    expect(() => checkHostPath(missing, "File")).toThrow(
      `hostPath type check failed: ${missing} is not a file`,
    );
    expect(() => checkHostPath(file, "Socket")).toThrow(
      `hostPath type check failed: ${file} is not a socket file`,
    );
    expect(() => checkHostPath(file, "CharDevice")).toThrow(
      `hostPath type check failed: ${file} is not a character device`,
    );
    expect(() => checkHostPath("/dev/null", "BlockDevice")).toThrow(
      "hostPath type check failed: /dev/null is not a block device",
    );
    expect(() => checkHostPath(file, "Weird")).toThrow("Weird is an invalid volume type");
  });

  test("a socket passes Socket", async () => {
    const path = join(dir, "s.sock");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      checkHostPath(path, "Socket");
    } finally {
      server.close();
    }
  });

  test('type "" creates a missing directory and accepts anything that exists', () => {
    const path = join(dir, "untyped", "x");
    checkHostPath(path, "");
    expect(statSync(path).isDirectory()).toBe(true);
    checkHostPath(file, "");
  });
});
