// Pulls from a real registry (Debian's docker-registry, filled by skopeo from an umoci-built
// busybox image) into kube's content store: OCI and docker schema2 manifests, gzip, zstd and
// plain layers, tags and digests, htpasswd auth through imagePullSecrets, and upstream's errors.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Secret } from "kubernetes-types/core/v1";
import { ImagePullError } from "../../../components/kubelet/images/image-pull-error.ts";
import { createImageResolver } from "../../../components/kubelet/images/image-resolver.ts";
import { OciImageSource } from "../../../components/kubelet/images/oci/oci-image-source.ts";
import {
  buildBusyboxLayout,
  type LocalRegistry,
  registryToolsMissing,
  startRegistry,
} from "../../harness/registry.ts";

const missing = registryToolsMissing();
if (missing) console.warn(`skipping registry pull tests: ${missing}`);

let work = "";
let layout = "";
let open: LocalRegistry | undefined;
let secured: LocalRegistry | undefined;
const auth = { username: "kt-user", password: "kt-pass-1" };

beforeAll(async () => {
  if (missing) return;
  work = mkdtempSync(join(tmpdir(), "kt-pull-"));
  layout = buildBusyboxLayout(join(work, "layout"), "1", {
    entrypoint: ["/bin/sh", "-c"],
    cmd: ["echo from-image"],
    env: ["PATH=/bin", "GREETING=hi"],
    workingDir: "/srv",
    user: "1000:1000",
    files: { "srv/index.html": "hello from the image\n" },
    whiteouts: ["bin/mount"],
  });
  open = await startRegistry();
  secured = await startRegistry({ auth });
  open.push(layout, "1", "kt/tiny:1");
  open.push(layout, "1", "kt/tiny:v2s2", { format: "v2s2" });
  open.push(layout, "1", "kt/tiny:zstd", { compress: "zstd" });
  open.push(layout, "1", "kt/tiny:plain", { compress: "none" });
  secured.push(layout, "1", "kt/private:1");
}, 60_000);

afterAll(async () => {
  try {
    await open?.stop();
  } finally {
    await secured?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  }
});

function resolverIn(dir: string) {
  const oci = new OciImageSource({ root: join(dir, "images") });
  return { oci, resolver: createImageResolver({ kubeExecutable: ["/bin/false"], oci }) };
}

function dockerConfigSecret(host: string, username: string, password: string): Secret {
  const config = { auths: { [host]: { auth: Buffer.from(`${username}:${password}`).toString("base64") } } };
  return {
    metadata: { name: "regcred" },
    type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": Buffer.from(JSON.stringify(config)).toString("base64") },
  };
}

async function pullFailure(run: () => Promise<unknown>): Promise<ImagePullError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ImagePullError) return error;
    throw error;
  }
  throw new Error("expected the pull to fail");
}

describe.skipIf(missing !== undefined)("pulls from a local docker-registry", () => {
  test("every manifest format and layer compression unpacks to the same rootfs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kt-store-"));
    try {
      const { resolver, oci } = resolverIn(dir);
      const events: string[] = [];
      const first = await resolver.resolve(`${open?.host}/kt/tiny:1`, {
        onPulling: () => events.push("pulling"),
      });
      expect(events).toEqual(["pulling"]);
      expect(first.source).toBe("oci");
      expect(first.pulled?.size).toBeGreaterThan(500_000);
      expect(first.imageID).toStartWith(`${open?.host}/kt/tiny@sha256:`);
      expect(first.entrypoint).toEqual(["/bin/sh", "-c"]);
      expect(first.args).toEqual(["echo from-image"]);
      expect(first.rootfs?.env).toEqual(["PATH=/bin", "GREETING=hi"]);
      expect(first.rootfs?.workingDir).toBe("/srv");
      expect(first.rootfs?.user).toBe("1000:1000");
      const [lower, upper] = first.rootfs?.layers ?? [];
      expect(statSync(join(lower ?? "", "bin", "busybox")).mode & 0o111).not.toBe(0);
      expect(readFileSync(join(upper ?? "", "srv", "index.html"), "utf8")).toBe("hello from the image\n");
      // The upper layer deletes bin/mount: an overlayfs whiteout (char 0:0) as root, and listed.
      const facts = JSON.parse(readFileSync(`${upper}.json`, "utf8")) as { whiteouts: string[] };
      expect(facts.whiteouts).toEqual(["bin/mount"]);
      if (process.getuid?.() === 0) {
        const whiteout = statSync(join(upper ?? "", "bin", "mount"));
        expect(whiteout.isCharacterDevice() && whiteout.rdev === 0).toBe(true);
        // The kernel's overlayfs reads the layers as an image's rootfs: bin/mount is gone.
        const merged = join(dir, "merged");
        mkdirSync(merged);
        const mount = spawnSync("mount", [
          "-t",
          "overlay",
          "overlay",
          "-o",
          `lowerdir=${upper}:${lower}`,
          merged,
        ]);
        if (mount.status === 0) {
          try {
            expect(existsSync(join(merged, "bin", "busybox"))).toBe(true);
            expect(existsSync(join(merged, "bin", "mount"))).toBe(false);
            expect(readFileSync(join(merged, "srv", "index.html"), "utf8")).toBe("hello from the image\n");
          } finally {
            spawnSync("umount", [merged]);
          }
        } else {
          console.warn(`overlay mount unavailable here: ${mount.stderr}`);
        }
      }
      for (const tag of ["v2s2", "zstd", "plain"]) {
        const other = await resolver.resolve(`${open?.host}/kt/tiny:${tag}`);
        // Same uncompressed layers: unpacked once, shared.
        expect(other.rootfs?.layers).toEqual(first.rootfs?.layers ?? []);
      }
      expect(
        readdirSync(join(dir, "images", "layers", "sha256")).filter((n) => !n.endsWith(".json")),
      ).toHaveLength(2);
      // IfNotPresent: the second resolve is served from the store, without a pull.
      const again = await resolver.resolve(`${open?.host}/kt/tiny:1`, {
        onPulling: () => events.push("pulling"),
      });
      expect(again.pulled).toBeUndefined();
      expect(events).toEqual(["pulling"]);
      // By digest, from the store and from the registry alike.
      const digest = first.imageID.split("@")[1] ?? "";
      expect((await resolver.resolve(`${open?.host}/kt/tiny@${digest}`)).rootfs?.layers).toEqual(
        first.rootfs?.layers ?? [],
      );
      expect((await oci.store.list()).length).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  test("unknown tags, unknown repositories and bad digests fail with containerd's words", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kt-store-"));
    try {
      const { resolver } = resolverIn(dir);
      const ref = `${open?.host}/kt/tiny:nope`;
      const error = await pullFailure(() => resolver.resolve(ref));
      expect(error.reason).toBe("ErrImagePull");
      expect(error.message).toBe(
        `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`,
      );
      const never = await pullFailure(() =>
        resolver.resolve(`${open?.host}/kt/tiny:1`, { pullPolicy: "Never" }),
      );
      expect(never.reason).toBe("ErrImageNeverPull");
      expect(never.message).toBe(
        `Container image "${open?.host}/kt/tiny:1" is not present with pull policy of Never`,
      );
      const wrong = `${open?.host}/kt/tiny@sha256:${"0".repeat(64)}`;
      expect((await pullFailure(() => resolver.resolve(wrong))).message).toContain("not found");
      const invalid = await pullFailure(() => resolver.resolve(`${open?.host}/Kt/Tiny:1`));
      expect(invalid.reason).toBe("InvalidImageName");
      expect(invalid.message).toContain("must be lowercase");
      expect(existsSync(join(dir, "images", "layers"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  test("a private registry needs the pull secret's credentials", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kt-store-"));
    try {
      const { resolver } = resolverIn(dir);
      const ref = `${secured?.host}/kt/private:1`;
      const anonymous = await pullFailure(() => resolver.resolve(ref));
      expect(anonymous.message).toContain("401 Unauthorized");
      const bad = dockerConfigSecret(secured?.host ?? "", auth.username, "wrong");
      const denied = await pullFailure(() => resolver.resolve(ref, { pullSecrets: [bad] }));
      expect(denied.message).toStartWith(
        `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": `,
      );
      expect(denied.message).toContain("authorization");
      const good = dockerConfigSecret(`http://${secured?.host}`, auth.username, auth.password);
      const pulled = await resolver.resolve(ref, { pullSecrets: [bad, good] });
      expect(pulled.source).toBe("oci");
      expect(pulled.rootfs?.layers).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
