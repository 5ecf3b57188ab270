// The pause script's program for host-tools images: busybox only when static, other argv untouched.

import { afterAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PAUSE_SCRIPT } from "../../images/embedded/pause.ts";
import { bridgeName } from "../../network/bridge.ts";
import { runCommand } from "../../network/ip-command.ts";
import { testSandboxConfig } from "../testing/test-sandbox.ts";
import { ociUnavailable, startOciRuntime } from "./oci-runtime.ts";
import { hostToolsArgv, staticElf } from "./pause-program.ts";

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

const busybox = Bun.which("busybox");
const usable = (await ociUnavailable()) === undefined && busybox !== null && staticElf(busybox);
const describeOci = usable ? describe : describe.skip;

describeOci("with crun", () => {
  test("a pause-image container runs busybox, and a SIGTERM ends it with 0 at once", async () => {
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
      expect(spec.process.args).toEqual([busybox, "sh", "-c", PAUSE_SCRIPT]);
      const started = Date.now();
      await runtime.stopContainer(status.id, 30);
      expect(Date.now() - started).toBeLessThan(5000);
      const end = (await runtime.listContainers(pod.id)).find((c) => c.id === status.id);
      expect(end?.state).toBe("exited");
      expect(end?.exitCode).toBe(0);
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
