// A fake registry with the token flow (401 + Bearer challenge, a token realm that checks Basic
// credentials) and a multi-arch index: the pull picks the node's platform and fetches with the token.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";
import { ContentStore } from "./content-store.ts";
import { sha256Digest } from "./digest.ts";
import { MEDIA, nodePlatform } from "./image-manifest.ts";
import { pullImage } from "./image-puller.ts";
import { parseImageReference } from "./image-reference.ts";
import { parseChallenge } from "./registry-auth.ts";

const blobs = new Map<string, Uint8Array>();
const put = (bytes: Uint8Array): { digest: string; size: number } => {
  const digest = sha256Digest(bytes);
  blobs.set(digest, bytes);
  return { digest, size: bytes.length };
};
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
let server: ReturnType<typeof Bun.serve>;
let indexDigest = "";
const tokens: string[] = [];

beforeAll(async () => {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (chunk: unknown) => chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve) => p.on("end", () => resolve()));
  p.entry({ name: "hello.txt" }, "hi from the layer\n");
  p.finalize();
  await ended;
  const tar = Buffer.concat(chunks);
  const layer = put(gzipSync(tar));
  const config = put(
    json({
      rootfs: { type: "layers", diff_ids: [sha256Digest(tar)] },
      config: { Cmd: ["/hello"], Env: ["A=1"] },
    }),
  );
  const platformManifest = (arch: string) =>
    put(
      json({
        schemaVersion: 2,
        mediaType: MEDIA.ociManifest,
        config: { mediaType: "x", ...config },
        layers: [{ mediaType: "x", ...layer }],
        arch,
      }),
    );
  const mine = platformManifest(nodePlatform().architecture);
  const other = platformManifest("other");
  const index = put(
    json({
      schemaVersion: 2,
      mediaType: MEDIA.ociIndex,
      manifests: [
        { mediaType: MEDIA.ociManifest, ...other, platform: { os: "linux", architecture: "mips64le" } },
        { mediaType: MEDIA.ociManifest, ...mine, platform: nodePlatform() },
      ],
    }),
  );
  indexDigest = index.digest;
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(request) {
      const url = new URL(request.url);
      if (url.pathname === "/token") {
        const basic = `Basic ${Buffer.from("kt:pw").toString("base64")}`;
        if (request.headers.get("authorization") !== basic) return new Response("denied", { status: 401 });
        tokens.push(`${url.searchParams.get("service")} ${url.searchParams.get("scope")}`);
        return Response.json({ token: "tok-1" });
      }
      if (request.headers.get("authorization") !== "Bearer tok-1") {
        const realm = `http://127.0.0.1:${server.port}/token`;
        return new Response(
          JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }),
          {
            status: 401,
            headers: {
              "www-authenticate": `Bearer realm="${realm}",service="kt-registry",scope="repository:ns/app:pull"`,
            },
          },
        );
      }
      const m = /^\/v2\/ns\/app\/(manifests|blobs)\/(.+)$/.exec(url.pathname);
      const ref = m?.[2] === "1" ? indexDigest : (m?.[2] ?? "");
      const bytes = blobs.get(ref);
      if (!bytes)
        return Response.json(
          { errors: [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown" }] },
          { status: 404 },
        );
      const type = ref === indexDigest ? MEDIA.ociIndex : "application/octet-stream";
      return new Response(bytes, { headers: { "content-type": type } });
    },
  });
});
afterAll(() => server.stop(true));

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kt-pull-unit-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("pullImage", () => {
  test("challenge parsing", () => {
    expect(parseChallenge('Bearer realm="https://a/t",service="r",scope="repository:x:pull"')).toEqual({
      scheme: "bearer",
      params: { realm: "https://a/t", service: "r", scope: "repository:x:pull" },
    });
    expect(parseChallenge('Basic realm="kt"')).toEqual({ scheme: "basic", params: { realm: "kt" } });
  });

  test("token flow and a multi-arch index: the node's platform is unpacked", async () => {
    const store = new ContentStore(dir);
    const ref = parseImageReference(`127.0.0.1:${server.port}/ns/app:1`);
    const { image } = await pullImage(store, ref, {
      credentials: [{ username: "kt", password: "pw" }],
      now: () => 5,
    });
    expect(tokens).toContain("kt-registry repository:ns/app:pull");
    expect(image.repoDigests).toEqual([`127.0.0.1:${server.port}/ns/app@${indexDigest}`]);
    expect(image.config.cmd).toEqual(["/hello"]);
    const layer = store.layerDir(image.layers[0] ?? "");
    expect(readFileSync(join(layer, "hello.txt"), "utf8")).toBe("hi from the layer\n");
  });

  test("wrong credentials: the token server's refusal; unknown tags: not found", async () => {
    const store = new ContentStore(dir);
    const ref = parseImageReference(`127.0.0.1:${server.port}/ns/app:1`);
    const name = `127.0.0.1:${server.port}/ns/app:1`;
    await expect(
      pullImage(store, ref, { credentials: [{ username: "kt", password: "no" }], now: () => 0 }),
    ).rejects.toThrow(
      `failed to pull and unpack image "${name}": failed to resolve reference "${name}": failed to authorize: failed to fetch oauth token: unexpected status from GET request to http://127.0.0.1:${server.port}/token: 401 Unauthorized`,
    );
    const missing = parseImageReference(`127.0.0.1:${server.port}/ns/app:2`);
    const missingName = `127.0.0.1:${server.port}/ns/app:2`;
    await expect(
      pullImage(store, missing, { credentials: [{ username: "kt", password: "pw" }], now: () => 0 }),
    ).rejects.toThrow(`failed to resolve reference "${missingName}": ${missingName}: not found`);
  });
});
