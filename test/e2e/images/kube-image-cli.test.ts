// `kube image import` and `kube image list` on a kubelet root dir: a docker save archive and an
// OCI layout (built by umoci and skopeo) go into the content store the kubelet resolves from.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createImageResolver } from "../../../components/kubelet/images/image-resolver.ts";
import { OciImageSource } from "../../../components/kubelet/images/oci/oci-image-source.ts";
import { buildBusyboxLayout, registryToolsMissing } from "../../harness/registry.ts";

const missing = registryToolsMissing();
if (missing) console.warn(`skipping kube image CLI tests: ${missing}`);

let work = "";
const kube = (...args: string[]) =>
  spawnSync(process.execPath, ["cmd/main.ts", "image", ...args], {
    encoding: "utf8",
    cwd: join(import.meta.dir, "../../.."),
  });

beforeAll(() => {
  if (missing) return;
  work = mkdtempSync(join(tmpdir(), "kt-image-cli-"));
  buildBusyboxLayout(join(work, "layout"), "1", { cmd: ["echo", "cli"] });
  const copy = spawnSync("skopeo", [
    "copy",
    "--quiet",
    `oci:${join(work, "layout")}:1`,
    `docker-archive:${join(work, "saved.tar")}:kt/saved:3`,
  ]);
  if (copy.status !== 0) throw new Error(copy.stderr.toString());
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(missing !== undefined)("kube image import / list", () => {
  test("imports an archive and a layout; the kubelet's resolver finds them with pull policy Never", async () => {
    const root = join(work, "root");
    const saved = kube("import", join(work, "saved.tar"), "--root-dir", root);
    expect(saved.status, saved.stderr).toBe(0);
    expect(saved.stdout).toStartWith("imported docker.io/kt/saved:3 sha256:");
    const layout = kube(
      "import",
      join(work, "layout"),
      "--root-dir",
      root,
      "--ref",
      "registry.local/kt/app:1",
    );
    expect(layout.status, layout.stderr).toBe(0);
    const list = kube("list", "--root-dir", root);
    expect(list.stdout.split("\n")[0]).toMatch(/^IMAGE\s+TAG\s+IMAGE ID\s+SIZE$/);
    expect(list.stdout).toMatch(/docker\.io\/kt\/saved\s+3\s+[0-9a-f]{13}\s+1\.\d+MB/);
    expect(list.stdout).toMatch(/registry\.local\/kt\/app\s+1\s+/);
    const resolver = createImageResolver({
      kubeExecutable: ["/bin/false"],
      oci: new OciImageSource({ root: join(root, "images") }),
    });
    const resolved = await resolver.resolve("registry.local/kt/app:1", { pullPolicy: "Never" });
    expect(resolved.args).toEqual(["echo", "cli"]);
  }, 60_000);

  test("bad input: no path, a missing file, a bad --ref, a plain directory", () => {
    const cases: [string[], string][] = [
      [["import"], "missing the archive or OCI layout to import"],
      [["import", join(work, "nope.tar")], "no such file or directory"],
      [
        ["import", join(work, "saved.tar"), "--ref", "Bad:x"],
        'invalid --ref "Bad:x": invalid reference format: repository name (library/Bad) must be lowercase',
      ],
      [["import", tmpdir()], "is a directory without an oci-layout file"],
    ];
    for (const [args, message] of cases) {
      const result = kube(...args, "--root-dir", join(work, "root2"));
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });
});
