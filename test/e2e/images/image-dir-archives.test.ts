// Images in --image-dir without a registry: an OCI layout directory, an OCI archive and a
// `docker save` archive (made by skopeo from an umoci-built busybox), plain and gzipped, are
// imported into the content store once and resolve to unpacked layers.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ImagePullError } from "../../../components/kubelet/images/image-pull-error.ts";
import { createImageResolver } from "../../../components/kubelet/images/image-resolver.ts";
import { OciImageSource } from "../../../components/kubelet/images/oci/oci-image-source.ts";
import { buildBusyboxLayout, registryToolsMissing } from "../../harness/registry.ts";

const missing = registryToolsMissing();
if (missing) console.warn(`skipping image-dir archive tests: ${missing}`);

let work = "";
let imageDir = "";

function run(argv: string[]): void {
  const [command = "", ...args] = argv;
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${argv.join(" ")}: ${result.stderr}`);
}

beforeAll(() => {
  if (missing) return;
  work = mkdtempSync(join(tmpdir(), "kt-archives-"));
  imageDir = join(work, "images");
  const layout = buildBusyboxLayout(join(imageDir, "kt-layout"), "1", {
    cmd: ["echo", "layout"],
    files: { who: "layout\n" },
  });
  run(["tar", "-C", layout, "-cf", join(imageDir, "kt-ociarchive.tar"), "."]);
  run([
    "skopeo",
    "copy",
    "--quiet",
    `oci:${layout}:1`,
    `docker-archive:${join(imageDir, "kt-saved.tar")}:kt/saved:2`,
  ]);
  writeFileSync(join(imageDir, "kt-gzipped.tar.gz"), gzipSync(readFileSync(join(imageDir, "kt-saved.tar"))));
  writeFileSync(join(imageDir, "kt-broken.tar"), "not a tar at all");
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(missing !== undefined)("images from --image-dir archives", () => {
  test("layout, OCI archive, docker save and gzipped docker save all resolve to the same layers", async () => {
    const oci = new OciImageSource({ root: join(work, "store") });
    const resolver = createImageResolver({ imageDir, kubeExecutable: ["/bin/false"], oci });
    const layout = await resolver.resolve("kt-layout:1");
    expect(layout.source).toBe("oci");
    expect(layout.args).toEqual(["echo", "layout"]);
    expect(readFileSync(join(layout.rootfs?.layers[1] ?? "", "who"), "utf8")).toBe("layout\n");
    for (const name of ["kt-ociarchive", "kt-saved:2", "docker.io/kt/saved:2", "kt-gzipped"]) {
      const other = await resolver.resolve(name);
      expect(other.rootfs?.layers, name).toEqual(layout.rootfs?.layers ?? []);
      expect(other.args, name).toEqual(["echo", "layout"]);
    }
    const images = await oci.store.list();
    expect(images.flatMap((i) => i.references)).toContain("docker.io/kt/saved:2");
    // Once imported, the image is in the store: resolving again imports nothing.
    const before = JSON.stringify(images);
    await resolver.resolve("kt-layout:1");
    expect(JSON.stringify(await oci.store.list())).toBe(before);
  });

  test("a broken archive is an ErrImagePull naming the file", async () => {
    const oci = new OciImageSource({ root: join(work, "store2") });
    const resolver = createImageResolver({ imageDir, kubeExecutable: ["/bin/false"], oci });
    let caught: unknown;
    try {
      await resolver.resolve("kt-broken");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ImagePullError);
    expect((caught as Error).message).toStartWith(
      `failed to import image "kt-broken" from ${join(imageDir, "kt-broken.tar")}: `,
    );
  });
});
