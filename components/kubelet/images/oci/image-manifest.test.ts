import { describe, expect, test } from "bun:test";
import { sha256Digest } from "./digest.ts";
import { MEDIA, nodePlatform, parseManifest, selectPlatform } from "./image-manifest.ts";

const d = (s: string) => sha256Digest(s);
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe("manifests and indexes", () => {
  test("node arch names map to OCI's", () => {
    expect(nodePlatform("x64")).toEqual({ os: "linux", architecture: "amd64" });
    expect(nodePlatform("arm64")).toEqual({ os: "linux", architecture: "arm64" });
  });

  test("an index picks linux/<arch>, skipping attestations and other platforms", () => {
    const manifests = [
      {
        mediaType: MEDIA.ociManifest,
        digest: d("win"),
        size: 1,
        platform: { os: "windows", architecture: "amd64" },
      },
      {
        mediaType: MEDIA.ociManifest,
        digest: d("att"),
        size: 1,
        platform: { os: "unknown", architecture: "unknown" },
      },
      {
        mediaType: MEDIA.ociManifest,
        digest: d("arm"),
        size: 1,
        platform: { os: "linux", architecture: "arm64", variant: "v8" },
      },
      {
        mediaType: MEDIA.ociManifest,
        digest: d("amd"),
        size: 1,
        platform: { os: "linux", architecture: "amd64" },
      },
    ];
    const parsed = parseManifest(json({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests }));
    if (parsed.kind !== "index") throw new Error("want an index");
    expect(selectPlatform(parsed.manifests, nodePlatform("x64")).digest).toBe(d("amd"));
    expect(selectPlatform(parsed.manifests, nodePlatform("arm64")).digest).toBe(d("arm"));
    expect(() => selectPlatform(parsed.manifests, { os: "linux", architecture: "s390x" })).toThrow(
      "no matching manifest for linux/s390x in the manifest list entries",
    );
  });

  test("docker schema2 and OCI manifests parse; schema1 and junk are refused", () => {
    const manifest = {
      schemaVersion: 2,
      mediaType: MEDIA.dockerManifest,
      config: { mediaType: "application/vnd.docker.container.image.v1+json", digest: d("c"), size: 2 },
      layers: [{ mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", digest: d("l"), size: 3 }],
    };
    const parsed = parseManifest(json(manifest));
    expect(parsed.kind === "manifest" && parsed.layers[0]?.digest).toBe(d("l"));
    expect(() => parseManifest(json({ schemaVersion: 1, fsLayers: [] }))).toThrow(
      "schema 1 support has been removed",
    );
    expect(() => parseManifest(new TextEncoder().encode("{nope"))).toThrow("invalid manifest JSON");
    expect(() => parseManifest(json({ ...manifest, config: { digest: "sha256:../../x", size: 1 } }))).toThrow(
      "config: invalid digest",
    );
    expect(() => parseManifest(json({ ...manifest, layers: [{ digest: d("l"), size: -1 }] }))).toThrow(
      "layers[0]: invalid size",
    );
    expect(() => parseManifest(json({ schemaVersion: 2 }), "text/plain")).toThrow(
      'unsupported manifest media type "text/plain"',
    );
  });
});
