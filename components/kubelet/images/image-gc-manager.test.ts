import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImageGcError, ImageGcManager, imagesInUse } from "./image-gc-manager.ts";
import { ContentStore } from "./oci/content-store.ts";
import { sha256Digest } from "./oci/digest.ts";
import type { StoredImage } from "./oci/stored-image.ts";

let dir = "";
let store: ContentStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kt-gc-"));
  store = new ContentStore(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function add(name: string, size: number, lastUsedAt: number, createdAt = 0): Promise<StoredImage> {
  const blob = sha256Digest(`blob-${name}`);
  await store.writeBlob(blob, async function* () {
    yield new TextEncoder().encode(`blob-${name}`);
  });
  const image: StoredImage = {
    id: sha256Digest(name),
    manifestDigest: sha256Digest(`m-${name}`),
    references: [`docker.io/library/${name}:1`],
    repoDigests: [],
    blobs: [blob],
    layers: [],
    size,
    config: { entrypoint: [], cmd: [], env: [], exposedPorts: [] },
    createdAt,
    lastUsedAt,
  };
  await store.put(image);
  return image;
}

/** A 100-byte disk with `base` bytes used by other things plus the images still stored. */
const fakeDisk = (base: number) => async () => {
  const used = base + (await store.list()).reduce((sum, image) => sum + image.size, 0);
  return { capacityBytes: 100, availableBytes: 100 - used };
};

const policy = { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs: 0 };

describe("ImageGcManager", () => {
  test("over the high threshold, unused images go least recently used first, down to the low threshold", async () => {
    const a = await add("a", 10, 1);
    const b = await add("b", 10, 0);
    const c = await add("c", 10, 3);
    const gc = new ImageGcManager({
      store,
      policy,
      usage: fakeDisk(60),
      inUse: () => imagesInUse([{ spec: { containers: [{ name: "x", image: "b:1" }] } }]),
      now: () => 10,
    });
    // 90% used: free 10 bytes to reach 80%. b is older but in use: a goes.
    expect(await gc.garbageCollect()).toEqual({ removed: [a.id], freedBytes: 10 });
    expect((await store.list()).map((i) => i.id).sort()).toEqual([b.id, c.id].sort());
    expect(store.hasBlob(a.blobs[0] ?? "")).toBe(false);
    // 80% now: under the high threshold, nothing more goes.
    expect(await gc.garbageCollect()).toEqual({ removed: [], freedBytes: 0 });
  });

  test("not enough unused images: upstream's error; too young images are kept", async () => {
    await add("young", 10, 0, 9);
    await add("used", 20, 0);
    const gc = new ImageGcManager({
      store,
      policy: { ...policy, minAgeMs: 5 },
      usage: fakeDisk(65),
      inUse: () => new Set(["docker.io/library/used:1"]),
      now: () => 10,
    });
    await expect(gc.garbageCollect()).rejects.toThrow(
      new ImageGcError(
        "Failed to garbage collect required amount of images. Attempted to free 15 bytes, but only found 0 bytes eligible to free.",
      ),
    );
    expect(await store.list()).toHaveLength(2);
  });

  test("start() collects periodically and reports failures until stopped", async () => {
    await add("old", 30, 0);
    const failures: string[] = [];
    const gc = new ImageGcManager({
      store,
      policy,
      usage: fakeDisk(70),
      inUse: () => new Set<string>(),
      now: () => 10,
    });
    const stop = gc.start(5, (message) => failures.push(message));
    try {
      for (let i = 0; i < 400 && (await store.list()).length > 0; i++) await Bun.sleep(5);
      expect(await store.list()).toEqual([]);
      // 70% used by other things: under the high threshold now, so no failure is reported.
      expect(failures).toEqual([]);
    } finally {
      await stop();
    }
  });

  test("thresholds are checked as upstream validates them", () => {
    const usage = fakeDisk(0);
    const inUse = () => new Set<string>();
    expect(
      () => new ImageGcManager({ store, usage, inUse, policy: { ...policy, highThresholdPercent: 101 } }),
    ).toThrow("invalid HighThresholdPercent 101, must be in range [0-100]");
    expect(
      () => new ImageGcManager({ store, usage, inUse, policy: { ...policy, lowThresholdPercent: 90 } }),
    ).toThrow("LowThresholdPercent 90 can not be higher than HighThresholdPercent 85");
  });

  test("imagesInUse normalises references and includes image IDs from status", () => {
    const used = imagesInUse([
      {
        spec: {
          initContainers: [{ name: "i", image: "busybox" }],
          containers: [{ name: "c", image: "localhost:5000/x:2" }],
        },
        status: {
          containerStatuses: [
            { name: "c", image: "x", imageID: "localhost:5000/x@sha256:ab", ready: true, restartCount: 0 },
          ],
        },
      },
    ]);
    expect([...used]).toEqual(
      expect.arrayContaining([
        "docker.io/library/busybox:latest",
        "localhost:5000/x:2",
        "localhost:5000/x@sha256:ab",
      ]),
    );
  });
});
