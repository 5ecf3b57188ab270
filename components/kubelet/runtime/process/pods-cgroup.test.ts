// The node's pods cgroup (upstream's kubepods) against the real kernel: containers' groups nest in
// it, supervisors join it, the launcher stays outside, and it goes once no pod is left.
// Needs root with a writable cgroup v1 cpu controller; skipped (with a message) otherwise.

import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "../../network/ip-command.ts";
import { removeTestRuntime } from "../testing/remove-test-runtime.ts";
import { testSandboxConfig } from "../testing/test-sandbox.ts";
import { type ProcessRuntime, startProcessRuntime } from "./process-runtime.ts";

/** The cpu controller's path of a process (cgroup v1), e.g. "/kubepods-0a1b2c3d/kube-<id>". */
function cpuGroup(pid: number): string | undefined {
  const line = readFileSync(`/proc/${pid}/cgroup`, "utf8")
    .split("\n")
    .find((l) => l.split(":")[1]?.split(",").includes("cpu"));
  return line?.split(":").slice(2).join(":");
}

const cpuRoot = "/sys/fs/cgroup/cpu";
const usable =
  process.getuid?.() === 0 &&
  (await runCommand(["ip", "netns", "list"])).exitCode === 0 &&
  existsSync(join(cpuRoot, cpuGroup(process.pid) ?? "/nowhere", "cpu.shares"));
if (!usable)
  console.warn("pods-cgroup.test.ts: skipped, needs root, `ip netns` and a cgroup v1 cpu controller");

setDefaultTimeout(30_000);
const runtimes: ProcessRuntime[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const runtime of runtimes.splice(0)) {
    await removeTestRuntime(runtime);
  }
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!usable)("the node's pods cgroup (root, cgroup v1)", () => {
  test("containers nest in it, supervisors join it, the launcher stays out; removed when empty", async () => {
    const rootDir = await mkdtemp(join(tmpdir(), "kt-pods-cgroup-"));
    dirs.push(rootDir);
    const own = cpuGroup(process.pid) ?? "/";
    const before = new Set(await readdir(join(cpuRoot, own)));
    const runtime = await startProcessRuntime({
      rootDir,
      nodeName: `kt-${randomBytes(3).toString("hex")}`,
      log: () => {},
    });
    runtimes.push(runtime);
    const sandbox = await runtime.runSandbox(testSandboxConfig("grouped"));
    const status = await runtime.startContainer({
      sandboxId: sandbox.id,
      name: "c",
      attempt: 0,
      image: "host",
      argv: ["sleep", "30"],
      env: [],
      mounts: [],
      stdin: false,
      tty: false,
      labels: {},
    });
    expect(status.state).toBe("running");
    const record = JSON.parse(
      readFileSync(join(rootDir, "runtime", "containers", status.id, "container.json"), "utf8"),
    ) as { pid: number; supervisorPid: number };
    const container = cpuGroup(record.pid) ?? "";
    const match = /\/(kubepods-[0-9a-f]{8})\/kube-([0-9a-f]+)$/.exec(container);
    expect(match?.[2]).toBe(status.id);
    const group = join(own, match?.[1] ?? "none");
    expect(cpuGroup(record.supervisorPid)).toBe(group);
    // As upstream's kubepods: the node's CPUs as shares, so pods compete with the kubelet as one.
    expect(readFileSync(join(cpuRoot, group, "cpu.shares"), "utf8").trim()).toBe(
      `${1024 * availableParallelism()}`,
    );
    const launcherPid = Number(
      readFileSync(`/proc/${record.supervisorPid}/stat`, "utf8").split(") ")[1]?.split(" ")[1],
    );
    expect(cpuGroup(launcherPid)).toBe(own);
    expect(before.has(match?.[1] ?? "")).toBe(false);

    // A pod left running keeps the group; once none is, close() removes it.
    await runtime.stopSandbox(sandbox.id, 0);
    await runtime.removeSandbox(sandbox.id);
    await runtime.close({ removeBridge: true });
    runtimes.splice(0);
    expect(existsSync(join(cpuRoot, group))).toBe(false);
  });

  test("a pod left running keeps the group; the next runtime on that root dir finds it again", async () => {
    const rootDir = await mkdtemp(join(tmpdir(), "kt-pods-cgroup-"));
    dirs.push(rootDir);
    const nodeName = `kt-${randomBytes(3).toString("hex")}`;
    const first = await startProcessRuntime({ rootDir, nodeName, log: () => {} });
    const sandbox = await first.runSandbox(testSandboxConfig("kept"));
    const status = await first.startContainer({
      sandboxId: sandbox.id,
      name: "c",
      attempt: 0,
      image: "host",
      argv: ["sleep", "30"],
      env: [],
      mounts: [],
      stdin: false,
      tty: false,
      labels: {},
    });
    const { pid } = JSON.parse(
      readFileSync(join(rootDir, "runtime", "containers", status.id, "container.json"), "utf8"),
    ) as { pid: number };
    const group = (cpuGroup(pid) ?? "").replace(/\/kube-[0-9a-f]+$/, "");
    expect(group).toMatch(/\/kubepods-[0-9a-f]{8}$/);
    await first.close();
    expect(existsSync(join(cpuRoot, group))).toBe(true);

    const second = await startProcessRuntime({ rootDir, nodeName, log: () => {} });
    runtimes.push(second);
    expect((await second.listContainers()).find((c) => c.id === status.id)?.state).toBe("running");
    await second.stopSandbox(sandbox.id, 0);
    await second.removeSandbox(sandbox.id);
    await second.close({ removeBridge: true });
    runtimes.splice(0);
    expect(existsSync(join(cpuRoot, group))).toBe(false);
  });
});
