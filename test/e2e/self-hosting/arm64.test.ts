// The arm64 edge binary: `make build-arm64` cross-compiles ./kube-linux-arm64 (once per test
// run; make skips it when fresh), and under qemu-aarch64-static (with Debian's aarch64 libc from
// libc6-arm64-cross) `kube version` answers and `kube apiserver` serves a real kubectl.
// Skipped, with the reason printed, when qemu, the aarch64 libc or kubectl is missing.

import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../harness/etcd.ts";
import { repoRoot } from "../../harness/kube-binary.ts";
import { type KubeProcess, spawnKube } from "../../harness/kube-process.ts";
import { type Kubectl, kubectlBinary, kubectlFor } from "../../harness/kubectl.ts";

const qemu = Bun.which("qemu-aarch64-static");
const sysroot = "/usr/aarch64-linux-gnu";
const missing = [
  qemu ? undefined : "qemu-aarch64-static (Debian: qemu-user-static)",
  existsSync(join(sysroot, "lib", "ld-linux-aarch64.so.1"))
    ? undefined
    : `an aarch64 libc in ${sysroot} (Debian: libc6-arm64-cross)`,
  kubectlBinary() ? undefined : "kubectl",
].filter(Boolean);
if (missing.length > 0) console.warn(`skipping the arm64 tests: needs ${missing.join(", ")}`);

const binary = join(repoRoot, "kube-linux-arm64");
let built: Promise<void> | undefined;
/** `make build-arm64`, once per test process. */
function buildArm64(): Promise<void> {
  built ??= (async () => {
    const make = Bun.spawn(["make", "--no-print-directory", "build-arm64"], {
      cwd: repoRoot,
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([
      new Response(make.stdout).text(),
      new Response(make.stderr).text(),
      make.exited,
    ]);
    if (code !== 0) throw new Error(`make build-arm64 failed (exit ${code}):\n${out}${err}`);
  })();
  return built;
}

const underQemu = (args: string[]): string[] => [qemu as string, "-L", sysroot, binary, ...args];

describe.skipIf(missing.length > 0)("kube-linux-arm64 under qemu-aarch64-static", () => {
  const dir = mkdtempSync(join(tmpdir(), "kt-arm64-"));
  let apiserver: KubeProcess | undefined;
  let kubectl: Kubectl | undefined;

  afterAll(async () => {
    apiserver?.kill("SIGTERM");
    await apiserver?.exited;
    kubectl?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  test("make build-arm64 produces an aarch64 ELF executable", async () => {
    await buildArm64();
    const head = new Uint8Array(await Bun.file(binary).slice(0, 20).arrayBuffer());
    expect([...head.slice(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]); // ELF
    expect((head[18] ?? 0) | ((head[19] ?? 0) << 8)).toBe(183); // e_machine EM_AARCH64
  }, 300_000);

  test("kube version", async () => {
    await buildArm64();
    const proc = Bun.spawn(underQemu(["version"]), { stdout: "pipe", stderr: "pipe" });
    const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    expect(code).toBe(0);
    expect(out).toMatch(/^kube v\S+\nKubernetes v1\.\d+\.\d+\n/);
  }, 300_000);

  test("kube apiserver serves kubectl: namespaces listed, a ConfigMap written and read back", async () => {
    await buildArm64();
    const port = await freePort();
    apiserver = spawnKube(
      underQemu([
        "apiserver",
        "--data-dir",
        join(dir, "data"),
        "--secure-port",
        String(await freePort()),
        "--insecure-port",
        String(port),
      ]),
    );
    await apiserver.waitFor(/try: kubectl --server http:\/\/127\.0\.0\.1:\d+ get namespaces/, 240_000);
    kubectl = kubectlFor(`http://127.0.0.1:${port}`);
    const ns = await kubectl(["get", "namespaces", "-o", "name"], { timeoutMs: 60_000 });
    expect(ns.stdout).toContain("namespace/kube-system");
    // Each call is slow under emulation (the create fetches the OpenAPI schema to validate): one
    // went past kubectl's default 30 s at a load of 25 on 2 cores.
    const create = ["create", "configmap", "kt-edge", "--from-literal=arch=arm64"];
    expect((await kubectl(create, { timeoutMs: 90_000 })).code).toBe(0);
    const read = await kubectl(["get", "configmap", "kt-edge", "-o", "jsonpath={.data.arch}"], {
      timeoutMs: 90_000,
    });
    expect(read.stdout).toBe("arm64");
    apiserver.kill("SIGINT");
    expect(await apiserver.exited).toBe(0);
    apiserver = undefined;
  }, 600_000);
});
