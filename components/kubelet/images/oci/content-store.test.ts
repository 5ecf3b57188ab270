import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContentStore } from "./content-store.ts";
import { DigestError, sha256Digest } from "./digest.ts";
import type { StoredImage } from "./stored-image.ts";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kt-store-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const chunks = (...parts: string[]) =>
  async function* () {
    for (const part of parts) yield new TextEncoder().encode(part);
  };

function image(id: string, blobs: string[], layers: string[], refs: string[]): StoredImage {
  return {
    id,
    manifestDigest: id,
    references: refs,
    repoDigests: [],
    blobs,
    layers,
    size: 1,
    config: { entrypoint: [], cmd: [], env: [], exposedPorts: [] },
    createdAt: 0,
    lastUsedAt: 0,
  };
}

describe("ContentStore", () => {
  test("a blob is stored under its digest once verified", async () => {
    const store = new ContentStore(dir);
    const digest = sha256Digest("hello world");
    await store.writeBlob(digest, chunks("hello ", "world"), 11);
    expect((await store.readBlob(digest)).toString()).toBe("hello world");
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
  });

  test("a digest or size mismatch is refused and leaves nothing behind", async () => {
    const store = new ContentStore(dir);
    const digest = sha256Digest("expected");
    await expect(store.writeBlob(digest, chunks("tampered"))).rejects.toThrow(
      `unexpected commit digest ${sha256Digest("tampered")}, expected ${digest}: failed precondition`,
    );
    await expect(store.writeBlob(digest, chunks("expected", "and more"), 8)).rejects.toBeInstanceOf(
      DigestError,
    );
    await expect(store.writeBlob(digest, chunks("expec"), 8)).rejects.toThrow("unexpected size");
    expect(store.hasBlob(digest)).toBe(false);
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
  });

  test("sweep removes old temp files and content no image uses, and keeps the rest", async () => {
    const store = new ContentStore(dir);
    const [kept, orphan] = [sha256Digest("kept"), sha256Digest("orphan")];
    await store.writeBlob(kept, chunks("kept"));
    await store.writeBlob(orphan, chunks("orphan"));
    await store.put(image(sha256Digest("img"), [kept], [], ["docker.io/library/x:1"]));
    const temp = await store.tempPath("blob");
    await Bun.write(temp, "partial");
    // Young leftovers stay (a pull may be writing them).
    expect(await store.sweep(Date.now(), 60_000)).toBe(0);
    expect(await store.sweep(Date.now() + 120_000, 60_000)).toBe(2);
    expect(store.hasBlob(kept)).toBe(true);
    expect(store.hasBlob(orphan)).toBe(false);
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
  });

  test("a digest that is not sha256 hex never becomes a path", () => {
    const store = new ContentStore(dir);
    expect(() => store.blobPath("sha256:../../etc/passwd")).toThrow("invalid digest");
    expect(() => store.layerDir("md5:abc")).toThrow("invalid digest");
  });

  test("the index: references move to the newest image; removal frees unshared blobs and layers", async () => {
    const store = new ContentStore(dir);
    const [a, b, shared, own] = ["a", "b", "shared", "own"].map((s) => sha256Digest(s)) as [
      string,
      string,
      string,
      string,
    ];
    await store.writeBlob(shared, chunks("shared"));
    await store.writeBlob(own, chunks("own"));
    await store.put(image(a, [shared, own], [], ["docker.io/library/x:1"]));
    await store.put(image(b, [shared], [], ["docker.io/library/x:1", "docker.io/library/x:2"]));
    expect((await store.find("docker.io/library/x:1"))?.id).toBe(b);
    expect((await store.list()).find((i) => i.id === a)?.references).toEqual([]);
    expect(await store.remove(a)).toBe(3);
    expect(store.hasBlob(own)).toBe(false);
    expect(store.hasBlob(shared)).toBe(true);
    // A fresh store reads the same index back.
    expect((await new ContentStore(dir).list()).map((i) => i.id)).toEqual([b]);
    expect(existsSync(join(dir, "images.json"))).toBe(true);
  });
});
