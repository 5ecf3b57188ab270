import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync, zstdCompressSync } from "node:zlib";
import { type Header, pack } from "tar-stream";
import { DigestError, sha256Digest } from "./digest.ts";
import { LayerError, unpackLayer } from "./layer-unpack.ts";

type Entry = Partial<Header> & { name: string; body?: string };

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve) => p.on("end", () => resolve()));
  for (const { body, ...header } of entries)
    p.entry({ mtime: new Date(1_000_000_000_000), ...header }, body ?? "");
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kt-layer-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function unpack(entries: Entry[], compress: "gzip" | "zstd" | "none" = "gzip") {
  const tar = await tarOf(entries);
  const blob = join(dir, "blob");
  writeFileSync(
    blob,
    compress === "gzip" ? gzipSync(tar) : compress === "zstd" ? zstdCompressSync(tar) : tar,
  );
  const out = join(dir, "out");
  const facts = await unpackLayer(blob, out, sha256Digest(tar));
  return { out, facts };
}

async function refused(entries: Entry[]): Promise<Error> {
  try {
    await unpack(entries);
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the layer to be refused");
}

describe("unpackLayer", () => {
  test("files, modes, symlinks, hardlinks and mtimes, from gzip, zstd and plain tars", async () => {
    for (const compress of ["gzip", "zstd", "none"] as const) {
      const { out } = await unpack(
        [
          { name: "bin/", type: "directory", mode: 0o755 },
          { name: "bin/tool", body: "#!/bin/sh\n", mode: 0o4755 },
          { name: "bin/alias", type: "symlink", linkname: "tool" },
          { name: "bin/hard", type: "link", linkname: "bin/tool" },
          { name: "./etc/conf", body: "x=1\n", mode: 0o600 },
          { name: "etc/abs", type: "symlink", linkname: "/etc/passwd" },
        ],
        compress,
      );
      expect(statSync(join(out, "bin/tool")).mode & 0o7777).toBe(0o4755);
      expect(readlinkSync(join(out, "bin/alias"))).toBe("tool");
      expect(statSync(join(out, "bin/hard")).ino).toBe(statSync(join(out, "bin/tool")).ino);
      expect(readFileSync(join(out, "etc/conf"), "utf8")).toBe("x=1\n");
      expect(statSync(join(out, "etc/conf")).mtimeMs).toBe(1_000_000_000_000);
      // An absolute symlink is kept as written: it resolves inside the container's root.
      expect(readlinkSync(join(out, "etc/abs"))).toBe("/etc/passwd");
      rmSync(out, { recursive: true });
      rmSync(`${out}.json`);
    }
  });

  test("whiteouts and opaque directories become overlayfs whiteouts and are listed", async () => {
    const { out, facts } = await unpack([
      { name: "etc/", type: "directory" },
      { name: "etc/.wh.passwd", body: "" },
      { name: "var/.wh..wh..opq", body: "" },
      { name: "var/new", body: "n" },
    ]);
    expect(facts.whiteouts).toEqual(["etc/passwd"]);
    expect(facts.opaque).toEqual(["var"]);
    expect(existsSync(join(out, "etc/.wh.passwd"))).toBe(false);
    expect(JSON.parse(readFileSync(`${out}.json`, "utf8"))).toEqual(facts);
    if (process.getuid?.() === 0) {
      const whiteout = lstatSync(join(out, "etc/passwd"));
      expect(whiteout.isCharacterDevice()).toBe(true);
      expect(whiteout.rdev).toBe(0);
      expect(facts.overlayWhiteouts).toBe(true);
    }
  });

  test("entries that would leave the layer are refused", async () => {
    expect((await refused([{ name: "../escape", body: "x" }])).message).toBe(
      'layer entry "../escape" escapes the layer directory',
    );
    expect((await refused([{ name: "a/../../escape", body: "x" }])).message).toContain(
      "escapes the layer directory",
    );
    expect(
      (
        await refused([
          { name: "link", type: "symlink", linkname: "/" },
          { name: "link/etc/owned", body: "x" },
        ])
      ).message,
    ).toBe('layer entry "link/etc/owned" is below the symlink "link"');
    expect((await refused([{ name: "hard", type: "link", linkname: "../../etc/passwd" }])).message).toContain(
      "escapes the layer directory",
    );
    expect(
      (
        await refused([
          { name: "up", type: "symlink", linkname: "/etc" },
          { name: "hard", type: "link", linkname: "up/passwd" },
        ])
      ).message,
    ).toContain('is below the symlink "up"');
  });

  test("a directory entry over a symlink replaces the link: nothing outside is chmodded", async () => {
    const outside = join(dir, "outside");
    writeFileSync(outside, "");
    const { out } = await unpack([
      { name: "victim", type: "symlink", linkname: outside },
      { name: "victim", type: "directory", mode: 0o777 },
    ]);
    expect(lstatSync(join(out, "victim")).isDirectory()).toBe(true);
    expect(statSync(outside).isFile()).toBe(true);
    expect(statSync(outside).mode & 0o777).not.toBe(0o777);
  });

  test("a diff_id mismatch or a truncated stream is refused", async () => {
    const tar = await tarOf([{ name: "f", body: "data" }]);
    const blob = join(dir, "blob");
    writeFileSync(blob, gzipSync(tar));
    const wrong = sha256Digest("other");
    await expect(unpackLayer(blob, join(dir, "a"), wrong)).rejects.toBeInstanceOf(DigestError);
    writeFileSync(blob, gzipSync(tar).subarray(0, 40));
    await expect(unpackLayer(blob, join(dir, "b"), sha256Digest(tar))).rejects.toBeInstanceOf(LayerError);
  });
});
