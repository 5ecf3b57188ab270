// The node's OCI monitor (node-monitor.pl) on a real crun: containers without a tty share it, each
// keeps its own log streams and exit code, crun's refusal is the start's error, and a monitor left
// by a closed runtime keeps recording exits for the next one, then ends with its last container.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bridgeName } from "../../network/bridge.ts";
import { runCommand } from "../../network/ip-command.ts";
import { processAlive, processStartTime } from "../process/proc-stat.ts";
import type { ContainerConfig, ContainerStatus } from "../runtime.ts";
import { removeTestRuntime } from "../testing/remove-test-runtime.ts";
import { type OciRuntime, ociUnavailable, startOciRuntime } from "./oci-runtime.ts";

const busybox = Bun.which("busybox");
const unavailable = (await ociUnavailable()) ?? (busybox === null ? "no busybox" : undefined);
if (unavailable !== undefined) console.warn(`node-monitor.test.ts: skipped (${unavailable})`);
const testOci = unavailable === undefined ? test : test.skip;

let dir = "";
const runtimes: OciRuntime[] = [];
const nodeName = `kt-ocm-${randomBytes(3).toString("hex")}`;

beforeAll(async () => {
  if (unavailable !== undefined) return;
  dir = await mkdtemp(join(tmpdir(), "kt-ocm-"));
  await mkdir(join(dir, "layer", "bin"), { recursive: true });
  await copyFile(busybox as string, join(dir, "layer", "bin", "busybox"));
  for (const applet of ["sh", "sleep"]) await symlink("busybox", join(dir, "layer", "bin", applet));
});

afterAll(async () => {
  for (const runtime of runtimes) await removeTestRuntime(runtime);
  if ((await runCommand(["ip", "link", "show", "dev", bridgeName(nodeName)])).exitCode === 0)
    await runCommand(["ip", "link", "del", "dev", bridgeName(nodeName)]);
  if (dir !== "") await rm(dir, { recursive: true, force: true });
}, 60_000);

async function newRuntime(): Promise<OciRuntime> {
  const runtime = await startOciRuntime({ rootDir: join(dir, "kubelet"), nodeName, log: () => {} });
  runtimes.push(runtime);
  return runtime;
}

async function start(runtime: OciRuntime, argv: string[], tty = false): Promise<ContainerStatus> {
  const name = `kt-${randomBytes(3).toString("hex")}`;
  const pod = await runtime.runSandbox({
    ...{ uid: randomBytes(8).toString("hex"), name, namespace: "default", hostNetwork: false },
    ...{ hostname: name, hostsFile: "127.0.0.1 localhost\n", resolvConf: "", labels: {} },
  });
  const config: ContainerConfig = {
    ...{ sandboxId: pod.id, name: "c", attempt: 0, image: "kt-busybox", argv, env: [], mounts: [] },
    ...{ stdin: tty, tty, labels: {}, rootfs: { layers: [join(dir, "layer")], env: [] } },
  };
  return runtime.startContainer(config);
}

/** The container's monitor as its record names it. */
async function monitorPid(id: string): Promise<number> {
  const path = join(dir, "kubelet", "oci", "runtime", "containers", id, "container.json");
  return (JSON.parse(await readFile(path, "utf8")) as { supervisorPid: number }).supervisorPid;
}

async function exited(runtime: OciRuntime, id: string): Promise<ContainerStatus> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = (await runtime.listContainers()).find((c) => c.id === id);
    if (status?.state === "exited") return status;
    if (Date.now() > deadline) throw new Error(`container ${id} did not exit`);
    await Bun.sleep(20);
  }
}

/** The CRI log's lines without their timestamps: `<stream> <F|P> <text>`. */
async function logLines(status: ContainerStatus): Promise<string[]> {
  const text = await readFile(status.logPath, "utf8");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(" ").slice(1).join(" "));
}

testOci(
  "containers without a tty share the node's monitor, each with its own streams and exit code",
  async () => {
    const runtime = await newRuntime();
    const [a, b, refused, tty] = await Promise.all([
      start(runtime, ["sh", "-c", "echo out-a; echo err-a >&2; exit 3"]),
      // A line over 16 KiB is cut: a P part, then the rest as F.
      start(runtime, ["sh", "-c", "s=x; for i in $(seq 15); do s=$s$s; done; echo $s; echo done-b"]),
      start(runtime, ["/no/such/program"]),
      start(runtime, ["sleep", "1000"], true),
    ]);
    expect(await monitorPid(a.id)).toBe(await monitorPid(b.id));
    // A terminal (and stdin) keeps a monitor of its own.
    expect(await monitorPid(tty.id)).not.toBe(await monitorPid(a.id));
    expect(refused.state).toBe("exited");
    expect(refused.reason).toBe("StartError");
    expect(refused.message).toContain("/no/such/program");
    const endA = await exited(runtime, a.id);
    expect(endA.exitCode).toBe(3);
    expect((await logLines(endA)).sort()).toEqual(["stderr F err-a", "stdout F out-a"]);
    const endB = await exited(runtime, b.id);
    expect(endB.exitCode).toBe(0);
    const lines = await logLines(endB);
    expect(lines.map((line) => `${line.slice(0, 9)}${line.length - 9}`)).toEqual([
      "stdout P 16384",
      `stdout F ${32768 - 16384}`,
      "stdout F 6",
    ]);
    await runtime.stopContainer(tty.id, 0);
    await exited(runtime, tty.id);
  },
);

testOci(
  "a closed runtime's monitor records exits for the next one, then ends with its last container",
  async () => {
    const first = await newRuntime();
    const running = await start(first, ["sleep", "1000"]);
    const pid = await monitorPid(running.id);
    const startTime = await processStartTime(pid);
    // The monitor runs at nice -5 (as root), its containers at 0.
    const nice = async (of: number) =>
      Number((await readFile(`/proc/${of}/stat`, "utf8")).split(") ")[1]?.split(" ")[16]);
    expect(await nice(pid)).toBe(-5);
    expect(await nice(running.pid as number)).toBe(0);
    await first.close();
    runtimes.splice(runtimes.indexOf(first), 1);
    expect(await processAlive(pid, startTime)).toBe(true);
    const second = await newRuntime();
    expect((await second.listContainers()).find((c) => c.id === running.id)?.state).toBe("running");
    await second.stopContainer(running.id, 0);
    expect((await exited(second, running.id)).exitCode).toBe(137);
    const deadline = Date.now() + 5000;
    while ((await processAlive(pid, startTime)) && Date.now() < deadline) await Bun.sleep(20);
    expect(await processAlive(pid, startTime)).toBe(false);
    // The new runtime's containers go to a monitor of its own.
    const next = await start(second, ["sh", "-c", "exit 5"]);
    expect(await monitorPid(next.id)).not.toBe(pid);
    expect((await exited(second, next.id)).exitCode).toBe(5);
  },
);
