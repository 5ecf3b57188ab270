// The devices cgroup is a security boundary: a root container keeps CAP_MKNOD (the runtimes'
// default set), so only the cgroup's deny-all rule stops it from opening a host device node it made.

import { afterAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bridgeName } from "../../network/bridge.ts";
import { runCommand } from "../../network/ip-command.ts";
import type { ContainerStatus } from "../runtime.ts";
import { testSandboxConfig } from "../testing/test-sandbox.ts";
import { ociUnavailable, startOciRuntime } from "./oci-runtime.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/**
 * A device this host's root may open that is not in a container's default set (loop-control, then
 * kmsg); undefined if none (e.g. a sandbox refusing them all): the test cannot tell then.
 */
async function openableDevice(dir: string): Promise<string | undefined> {
  for (const [type, major, minor] of [
    ["c", "10", "237"],
    ["c", "1", "11"],
  ]) {
    const node = join(dir, `kt-node-${major}-${minor}`);
    const made = await runCommand(["mknod", node, type as string, major as string, minor as string]);
    const opened = made.exitCode === 0 ? await runCommand(["sh", "-c", `exec 3< ${node}`]) : made;
    await rm(node, { force: true });
    if (opened.exitCode === 0) return `${type} ${major} ${minor}`;
  }
  return undefined;
}

const busybox = Bun.which("busybox");
const probeDir = await mkdtemp(join(tmpdir(), "kt-devices-probe-"));
const device = await openableDevice(probeDir);
await rm(probeDir, { recursive: true, force: true });
const usable = (await ociUnavailable()) === undefined && busybox !== null && device !== undefined;
const describeOci = usable ? describe : describe.skip;

describeOci("devices cgroup", () => {
  test("root in a container may mknod a host device but not open it; a privileged container may", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kt-devices-"));
    dirs.push(dir);
    const rootDir = join(dir, "kubelet");
    const nodeName = `kt-dev-${randomBytes(3).toString("hex")}`;
    const runtime = await startOciRuntime({ rootDir, nodeName, log: () => {} });
    const script = `mknod /tmp/node ${device} && echo made; (exec 3</tmp/node) 2>&1 && echo open-ok || echo open-refused`;
    let sandboxId: string | undefined;
    try {
      const name = `kt-${randomBytes(3).toString("hex")}`;
      const pod = await runtime.runSandbox(testSandboxConfig(name));
      sandboxId = pod.id;
      const run = async (container: string, privileged: boolean): Promise<string> => {
        const started = await runtime.startContainer({
          sandboxId: pod.id,
          name: container,
          attempt: 0,
          image: "kt-host-busybox",
          argv: [busybox as string, "sh", "-c", script],
          env: [],
          mounts: [],
          stdin: false,
          tty: false,
          labels: {},
          imageFiles: [busybox as string],
          security: { privileged },
        });
        let end: ContainerStatus | undefined;
        for (const deadline = Date.now() + 20_000; Date.now() < deadline; await Bun.sleep(20)) {
          end = (await runtime.listContainers(pod.id)).find((c) => c.id === started.id);
          if (end?.state === "exited") break;
        }
        expect(end?.state).toBe("exited");
        return readFile(started.logPath, "utf8");
      };
      const confined = await run("confined", false);
      expect(confined).toContain("made");
      expect(confined).toContain("Operation not permitted");
      expect(confined).toContain("open-refused");
      const privileged = await run("privileged", true);
      expect(privileged).toContain("made");
      expect(privileged).toContain("open-ok");
    } finally {
      if (sandboxId !== undefined) {
        await runtime.stopSandbox(sandboxId, 0);
        await runtime.removeSandbox(sandboxId);
      }
      await runtime.close({ removeBridge: true });
      const left = await runCommand(["ip", "link", "show", "dev", bridgeName(nodeName)]);
      if (left.exitCode === 0) await runCommand(["ip", "link", "del", "dev", bridgeName(nodeName)]);
      expect(left.exitCode).not.toBe(0);
    }
  }, 60_000);
});
