// The pause script's program for host-tools images: the pause ELF written into the rootfs, else busybox
// only when static; other argv untouched.

import { afterAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, readlink, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PAUSE_SCRIPT } from "../../images/embedded/pause.ts";
import { bridgeName } from "../../network/bridge.ts";
import { runCommand } from "../../network/ip-command.ts";
import { testSandboxConfig } from "../testing/test-sandbox.ts";
import { ociUnavailable, startOciRuntime } from "./oci-runtime.ts";
import { pauseElf } from "./pause-elf.ts";
import { hostToolsArgv, hostToolsProgram, PAUSE_PATH, staticElf } from "./pause-program.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

test("the pause script runs under a static busybox; any other argv is left as it is", () => {
  const pause = ["/bin/sh", "-c", PAUSE_SCRIPT];
  expect(hostToolsArgv(pause, "/usr/bin/busybox")).toEqual(["/usr/bin/busybox", "sh", "-c", PAUSE_SCRIPT]);
  expect(hostToolsArgv(pause, null)).toEqual(pause);
  const other = ["/bin/sh", "-c", `${PAUSE_SCRIPT}; echo`];
  expect(hostToolsArgv(other, "/usr/bin/busybox")).toEqual(other);
  expect(hostToolsArgv(["/bin/sh", "-c", PAUSE_SCRIPT, "extra"], "/usr/bin/busybox")).toHaveLength(4);
});

test("hostToolsProgram writes the pause ELF into the rootfs for the pause script alone", async () => {
  const rootfs = await mkdtemp(join(tmpdir(), "kt-pause-rootfs-"));
  dirs.push(rootfs);
  const elf = pauseElf("x64") as Uint8Array;
  expect(await hostToolsProgram(["/bin/sh", "-c", `${PAUSE_SCRIPT}; echo`], rootfs, elf)).toEqual([
    "/bin/sh",
    "-c",
    `${PAUSE_SCRIPT}; echo`,
  ]);
  expect(await readdir(rootfs)).toEqual([]);
  expect(await hostToolsProgram(["/bin/sh", "-c", PAUSE_SCRIPT], rootfs, elf)).toEqual([PAUSE_PATH]);
  expect(Buffer.compare(await readFile(join(rootfs, PAUSE_PATH)), Buffer.from(elf))).toBe(0);
  expect((await stat(join(rootfs, PAUSE_PATH))).mode & 0o777).toBe(0o755);
  // No ELF for this CPU: the script as hostToolsArgv runs it.
  const fallback = await hostToolsProgram(["/bin/sh", "-c", PAUSE_SCRIPT], join(rootfs, "none"), null);
  expect(fallback.at(-1)).toBe(PAUSE_SCRIPT);
  // A rootfs that cannot be written: the error is thrown (the start turns it into CreateContainerError).
  await expect(
    hostToolsProgram(["/bin/sh", "-c", PAUSE_SCRIPT], join(rootfs, "none"), elf),
  ).rejects.toThrow();
});

test("staticElf: a dynamically linked program, a script and a missing file are not static", () => {
  expect(staticElf(Bun.which("sh") as string)).toBe(false);
  expect(staticElf("/etc/hostname")).toBe(false);
  expect(staticElf("/nonexistent/kt-none")).toBe(false);
  const busybox = Bun.which("busybox");
  if (
    busybox !== null &&
    Bun.spawnSync(["file", "-L", busybox]).stdout.toString().includes("statically linked")
  )
    expect(staticElf(busybox)).toBe(true);
});

const usable = (await ociUnavailable()) === undefined && pauseElf() !== undefined;
const describeOci = usable ? describe : describe.skip;

describeOci("with crun", () => {
  test("a pause-image container runs the pause ELF alone, and a SIGTERM ends it with 0 at once", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kt-pause-program-"));
    dirs.push(dir);
    const rootDir = join(dir, "kubelet");
    const nodeName = `kt-pp-${randomBytes(3).toString("hex")}`;
    const runtime = await startOciRuntime({ rootDir, nodeName, log: () => {} });
    try {
      const name = `kt-${randomBytes(3).toString("hex")}`;
      const pod = await runtime.runSandbox(testSandboxConfig(name));
      const status = await runtime.startContainer({
        sandboxId: pod.id,
        name: "pause",
        attempt: 0,
        image: "pause",
        argv: ["/bin/sh", "-c", PAUSE_SCRIPT],
        env: [],
        mounts: [],
        stdin: false,
        tty: false,
        labels: {},
        imageFiles: [],
      });
      expect(status.state).toBe("running");
      const spec = JSON.parse(
        await readFile(join(rootDir, "oci", "runtime", "containers", status.id, "config.json"), "utf8"),
      );
      expect(spec.process.args).toEqual([PAUSE_PATH]);
      // One process in the container (no sh, no sleep child): the ELF, tiny.
      const pid = (await runtime.listContainers(pod.id)).find((c) => c.id === status.id)?.pid as number;
      expect(await readlink(`/proc/${pid}/exe`)).toBe(PAUSE_PATH);
      expect((await readFile(`/proc/${pid}/task/${pid}/children`, "utf8")).trim()).toBe("");
      const rss = Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, "utf8"))?.[1]);
      expect(rss).toBeLessThan(64);
      const started = Date.now();
      await runtime.stopContainer(status.id, 30);
      expect(Date.now() - started).toBeLessThan(5000);
      const end = (await runtime.listContainers(pod.id)).find((c) => c.id === status.id);
      expect(end?.state).toBe("exited");
      expect(end?.exitCode).toBe(0);
    } finally {
      // Also after a failed expect: no pause, monitor or mount may outlive the test.
      for (const sandbox of await runtime.listSandboxes()) {
        await runtime.stopSandbox(sandbox.id, 0);
        await runtime.removeSandbox(sandbox.id);
      }
      await runtime.close({ removeBridge: true });
      const left = await runCommand(["ip", "link", "show", "dev", bridgeName(nodeName)]);
      if (left.exitCode === 0) await runCommand(["ip", "link", "del", "dev", bridgeName(nodeName)]);
      expect(left.exitCode).not.toBe(0);
    }
  }, 60_000);
});
