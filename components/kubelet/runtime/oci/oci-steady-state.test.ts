// What a node's running pods cost the OCI runtime: a container's monitor (monitor-script.ts) sleeps
// while its container runs (no timer: an idle node of 100 pods had 100 wakeups a second) and still
// notices an exit at once, also one whose output pipe an orphan keeps open (no EOF: only SIGCHLD wakes
// it); listSandboxes checks pinned namespaces at most once a second each, and still sees them lost.
// Needs root and crun.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bridgeName } from "../../network/bridge.ts";
import { runCommand } from "../../network/ip-command.ts";
import type { ContainerConfig, ContainerStatus } from "../runtime.ts";
import { removeTestRuntime } from "../testing/remove-test-runtime.ts";
import { type OciRuntime, ociUnavailable, startOciRuntime } from "./oci-runtime.ts";

const busybox = Bun.which("busybox");
const unavailable = (await ociUnavailable()) ?? (busybox === null ? "no busybox" : undefined);
if (unavailable !== undefined) console.warn(`oci-steady-state.test.ts: skipped (${unavailable})`);
const testOci = unavailable === undefined ? test : test.skip;

let dir = "";
let runtime: OciRuntime | undefined;
const nodeName = `kt-ocw-${randomBytes(3).toString("hex")}`;

beforeAll(async () => {
  if (unavailable !== undefined) return;
  dir = await mkdtemp(join(tmpdir(), "kt-ocw-"));
  await mkdir(join(dir, "layer", "bin"), { recursive: true });
  await copyFile(busybox as string, join(dir, "layer", "bin", "busybox"));
  for (const applet of ["sh", "sleep"]) await symlink("busybox", join(dir, "layer", "bin", applet));
  runtime = await startOciRuntime({ rootDir: join(dir, "kubelet"), nodeName, log: () => {} });
});

afterAll(async () => {
  if (runtime !== undefined) {
    await removeTestRuntime(runtime);
  }
  if ((await runCommand(["ip", "link", "show", "dev", bridgeName(nodeName)])).exitCode === 0)
    await runCommand(["ip", "link", "del", "dev", bridgeName(nodeName)]);
  if (dir !== "") await rm(dir, { recursive: true, force: true });
}, 60_000);

async function start(
  argv: string[],
  shareProcessNamespace: boolean,
): Promise<ContainerStatus & { podId: string }> {
  const oci = runtime as OciRuntime;
  const name = `kt-${randomBytes(3).toString("hex")}`;
  const pod = await oci.runSandbox({
    ...{ uid: randomBytes(8).toString("hex"), name, namespace: "default", hostNetwork: false },
    ...{ hostname: name, hostsFile: "127.0.0.1 localhost\n", resolvConf: "", labels: {} },
    shareProcessNamespace,
  });
  const config: ContainerConfig = {
    ...{ sandboxId: pod.id, name: "c", attempt: 0, image: "kt-busybox", argv, env: [], mounts: [] },
    ...{ stdin: false, tty: false, labels: {}, rootfs: { layers: [join(dir, "layer")], env: [] } },
  };
  return { ...(await oci.startContainer(config)), podId: pod.id };
}

/** Seconds until the runtime reports the container exited (throws after `limit`). */
async function secondsToExit(id: string, limit: number): Promise<number> {
  const begin = performance.now();
  for (;;) {
    const status = (await (runtime as OciRuntime).listContainers()).find((c) => c.id === id);
    if (status?.state === "exited") return (performance.now() - begin) / 1000;
    if (performance.now() - begin > limit * 1000)
      throw new Error(`container ${id} did not exit in ${limit} s`);
    await Bun.sleep(20);
  }
}

/** Context switches of the container's monitor (each wakeup is one). */
async function monitorSwitches(id: string): Promise<number> {
  // The record's supervisor: the node's monitor, which this test's lone container has to itself.
  const record = JSON.parse(
    await readFile(join(dir, "kubelet", "oci", "runtime", "containers", id, "container.json"), "utf8"),
  ) as { supervisorPid: number };
  const pid = String(record.supervisorPid);
  expect(pid).toMatch(/^\d+$/);
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const count = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1]);
  return count("voluntary_ctxt_switches") + count("nonvoluntary_ctxt_switches");
}

testOci("an idle monitor does not wake up; a stopped container is seen at once", async () => {
  const status = await start(["sleep", "1000"], false);
  expect(status.state).toBe("running");
  await Bun.sleep(300);
  const before = await monitorSwitches(status.id);
  await Bun.sleep(2500);
  // The old loop woke every second (select with a 1 s timeout): 2 or 3 switches here.
  expect(await monitorSwitches(status.id)).toBe(before);
  await (runtime as OciRuntime).stopContainer(status.id, 0);
  expect(await secondsToExit(status.id, 5)).toBeLessThan(2);
});

testOci("an exit is seen while an orphan still holds the container's output open", async () => {
  // With a shared PID namespace the orphaned sleep outlives sh and keeps stdout open: no EOF, only
  // SIGCHLD tells the monitor (it then drains output for 2 s and removes what is left).
  const status = await start(["sh", "-c", "sleep 60 & exit 3"], true);
  expect(await secondsToExit(status.id, 10)).toBeLessThan(10);
  const end = (await (runtime as OciRuntime).listContainers()).find((c) => c.id === status.id);
  expect(end?.exitCode).toBe(3);
});

testOci("a sandbox whose pinned namespaces are unmounted turns notready", async () => {
  const oci = runtime as OciRuntime;
  const { podId } = await start(["sleep", "1000"], false);
  const state = async () => (await oci.listSandboxes()).find((s) => s.id === podId)?.state;
  expect(await state()).toBe("ready");
  const ipc = join(dir, "kubelet", "oci", "runtime", "sandboxes", podId, "ns", "ipc");
  expect(await readFile("/proc/self/mountinfo", "utf8")).toContain(ipc);
  expect((await runCommand(["umount", "-l", ipc])).exitCode).toBe(0);
  // Found in place at most a second ago is taken as still there: within ~1 s it is seen gone.
  const begin = performance.now();
  while ((await state()) === "ready" && performance.now() - begin < 5000) await Bun.sleep(50);
  expect(await state()).toBe("notready");
  expect(performance.now() - begin).toBeLessThan(2000);
});
