// The seccomp filter cache: only whole BPF files crun left are kept; with crun (root), a second
// container gets the first one's compiled filter by annotation and is still confined by it (exec too).

import { afterAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bridgeName } from "../../network/bridge.ts";
import { runCommand } from "../../network/ip-command.ts";
import type { ContainerConfig, ExecProcess } from "../runtime.ts";
import { testSandboxConfig } from "../testing/test-sandbox.ts";
import { type OciRuntime, ociUnavailable, startOciRuntime } from "./oci-runtime.ts";
import { SECCOMP_BPF_ANNOTATION, SeccompBpfCache } from "./seccomp-bpf-cache.ts";
import { runtimeDefaultProfile } from "./seccomp-profile.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function stateRoot(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kt-seccomp-cache-"));
  dirs.push(dir);
  return dir;
}

describe("SeccompBpfCache", () => {
  const profile = runtimeDefaultProfile([]);

  test("nothing is passed back before crun compiled the profile once", async () => {
    const cache = new SeccompBpfCache(await stateRoot());
    expect(cache.annotation(profile)).toBeUndefined();
    expect(await cache.learn(profile, "missing")).toBe(false);
    expect(cache.annotation(profile)).toBeUndefined();
  });

  test("an empty file or one of partial instructions is not kept", async () => {
    const root = await stateRoot();
    const cache = new SeccompBpfCache(root);
    for (const [id, bytes] of [
      ["empty", Buffer.alloc(0)],
      ["partial", Buffer.alloc(12)],
    ] as const) {
      await mkdir(join(root, id));
      await writeFile(join(root, id, "seccomp.bpf"), bytes);
      expect(await cache.learn(profile, id)).toBe(false);
    }
    expect(cache.annotation(profile)).toBeUndefined();
  });

  test("a whole filter is passed back for the same profile only", async () => {
    const root = await stateRoot();
    const cache = new SeccompBpfCache(root);
    const filter = randomBytes(8 * 5);
    await mkdir(join(root, "first"));
    await writeFile(join(root, "first", "seccomp.bpf"), filter);
    expect(await cache.learn(profile, "first")).toBe(true);
    expect(cache.annotation(profile)).toEqual({ [SECCOMP_BPF_ANNOTATION]: filter.toString("base64") });
    expect(cache.annotation(runtimeDefaultProfile(["CAP_SYS_ADMIN"]))).toBeUndefined();
  });
});

const unavailable = (await ociUnavailable()) ?? (Bun.which("busybox") === null ? "no busybox" : undefined);
const describeOci = unavailable === undefined ? describe : describe.skip;

async function execText(runtime: OciRuntime, id: string, argv: string[]) {
  const proc: ExecProcess = await runtime.exec(id, argv, { stdin: false, tty: false });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout as unknown as ReadableStream).text(),
    proc.stderr ? new Response(proc.stderr as unknown as ReadableStream).text() : Promise.resolve(""),
    proc.exited,
  ]);
  return { out: out + err, code };
}

describeOci("with crun", () => {
  test("the second container runs the first one's compiled filter and is confined by it", async () => {
    const dir = await stateRoot();
    const rootDir = join(dir, "kubelet");
    const nodeName = `kt-sbc-${randomBytes(3).toString("hex")}`;
    const runtime = await startOciRuntime({ rootDir, nodeName, log: () => {} });
    try {
      const name = `kt-${randomBytes(3).toString("hex")}`;
      const pod = await runtime.runSandbox(testSandboxConfig(name));
      const busybox = Bun.which("busybox") as string;
      const config = (container: string): ContainerConfig => ({
        sandboxId: pod.id,
        name: container,
        attempt: 0,
        image: "kt-host-busybox",
        argv: [busybox, "sleep", "60"],
        env: [],
        mounts: [],
        stdin: false,
        tty: false,
        labels: {},
        imageFiles: [busybox],
      });
      const first = await runtime.startContainer(config("first"));
      const second = await runtime.startContainer(config("second"));
      expect([first.state, second.state]).toEqual(["running", "running"]);
      const containers = join(rootDir, "oci", "runtime", "containers");
      const firstSpec = JSON.parse(await readFile(join(containers, first.id, "config.json"), "utf8"));
      const secondSpec = JSON.parse(await readFile(join(containers, second.id, "config.json"), "utf8"));
      expect(firstSpec.annotations).toBeUndefined();
      const compiled = await readFile(join(rootDir, "oci", "runtime", "crun", first.id, "seccomp.bpf"));
      expect(secondSpec.annotations[SECCOMP_BPF_ANNOTATION]).toBe(compiled.toString("base64"));
      for (const id of [first.id, second.id]) {
        const status = await execText(runtime, id, [busybox, "grep", "^Seccomp:", "/proc/self/status"]);
        expect(status.out).toContain("Seccomp:\t2");
        // A user namespace needs no capability: only the RuntimeDefault filter refuses it.
        const userns = await execText(runtime, id, [busybox, "unshare", "-U", "true"]);
        expect(userns.code).not.toBe(0);
        expect(userns.out).toContain("Operation not permitted");
      }
      await runtime.stopSandbox(pod.id, 0);
      await runtime.removeSandbox(pod.id);
    } finally {
      await runtime.close({ removeBridge: true });
      const left = await runCommand(["ip", "link", "show", "dev", bridgeName(nodeName)]);
      if (left.exitCode === 0) await runCommand(["ip", "link", "del", "dev", bridgeName(nodeName)]);
      expect(left.exitCode).not.toBe(0);
    }
  }, 60_000);
});
