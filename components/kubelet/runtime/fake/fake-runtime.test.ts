import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ContainerConfig, RuntimeEvent, SandboxConfig } from "../runtime.ts";
import { createFakeRuntime } from "./fake-runtime.ts";

function sandboxConfig(uid: string, overrides: Partial<SandboxConfig> = {}): SandboxConfig {
  return {
    uid,
    name: `pod-${uid}`,
    namespace: "default",
    hostNetwork: false,
    hostname: `pod-${uid}`,
    hostsFile: "",
    resolvConf: "",
    labels: { "io.kubernetes.pod.uid": uid },
    ...overrides,
  };
}

function containerConfig(sandboxId: string, name = "app"): ContainerConfig {
  return {
    sandboxId,
    name,
    attempt: 0,
    image: "nginx",
    argv: ["kube", "image", "nginx"],
    env: [],
    mounts: [],
    stdin: false,
    tty: false,
    labels: { "io.kubernetes.container.name": name },
  };
}

async function text(stream: NodeJS.ReadableStream | undefined): Promise<string> {
  let out = "";
  for await (const chunk of stream ?? []) out += String(chunk);
  return out;
}

describe("createFakeRuntime", () => {
  test("podFiles: off by default (a kwok-style node writes no volume files), on when asked", () => {
    expect(createFakeRuntime().podFiles).toBe(false);
    expect(createFakeRuntime({ podFiles: true }).podFiles).toBe(true);
  });

  test("sandboxes get IPs from the pod CIDR; hostNetwork pods get the node IP", async () => {
    const runtime = createFakeRuntime({ podCIDR: "10.88.3.0/24", nodeIP: "192.0.2.10" });
    expect(runtime.name).toBe("fake");
    expect(runtime.networking).toBe("netns");
    expect(runtime.podCIDR).toBe("10.88.3.0/24");
    const a = await runtime.runSandbox(sandboxConfig("a"));
    const b = await runtime.runSandbox(sandboxConfig("b"));
    const host = await runtime.runSandbox(sandboxConfig("h", { hostNetwork: true }));
    expect([a.ip, b.ip, host.ip]).toEqual(["10.88.3.2", "10.88.3.3", "192.0.2.10"]);
    expect(a.state).toBe("ready");
    expect(a.netns).toBeUndefined();
    expect(a.labels).toEqual({ "io.kubernetes.pod.uid": "a" });
    // The same pod UID keeps its ready sandbox.
    expect((await runtime.runSandbox(sandboxConfig("a"))).id).toBe(a.id);
    expect((await runtime.listSandboxes()).map((s) => s.uid)).toEqual(["a", "b", "h"]);
  });

  test("containers run at once and stay running; statuses are copies", async () => {
    const clock = new Date("2025-01-02T03:04:05Z");
    const runtime = createFakeRuntime({ now: () => clock });
    const sandbox = await runtime.runSandbox(sandboxConfig("a"));
    const started = await runtime.startContainer(containerConfig(sandbox.id));
    expect(started).toMatchObject({
      sandboxId: sandbox.id,
      name: "app",
      image: "nginx",
      state: "running",
      attempt: 0,
      createdAt: clock,
      startedAt: clock,
    });
    started.labels.changed = "yes";
    const [listed] = await runtime.listContainers(sandbox.id);
    expect(listed?.state).toBe("running");
    expect(listed?.labels).toEqual({ "io.kubernetes.container.name": "app" });
    expect(await runtime.stats(started.id)).toEqual({
      cpuUsageNanos: 0,
      memoryWorkingSetBytes: 0,
      timestamp: clock,
    });
    expect(await runtime.stats("nope")).toBeUndefined();
    await expect(runtime.startContainer(containerConfig("nope"))).rejects.toThrow('sandbox "nope" not found');
  });

  test("exit() ends a container with its code and tells subscribers", async () => {
    const runtime = createFakeRuntime();
    const events: RuntimeEvent[] = [];
    const unsubscribe = runtime.subscribe((event) => events.push(event));
    const sandbox = await runtime.runSandbox(sandboxConfig("a"));
    const ok = await runtime.startContainer(containerConfig(sandbox.id, "ok"));
    const bad = await runtime.startContainer(containerConfig(sandbox.id, "bad"));
    runtime.exit(ok.id, 0);
    runtime.exit(bad.id, 3, { message: "boom" });
    const byName = Object.fromEntries((await runtime.listContainers()).map((c) => [c.name, c]));
    expect(byName.ok).toMatchObject({ state: "exited", exitCode: 0, reason: "Completed" });
    expect(byName.bad).toMatchObject({ state: "exited", exitCode: 3, reason: "Error", message: "boom" });
    expect(byName.bad?.finishedAt).toBeInstanceOf(Date);
    expect(events).toEqual([
      { type: "container-exited", sandboxId: sandbox.id, containerId: ok.id },
      { type: "container-exited", sandboxId: sandbox.id, containerId: bad.id },
    ]);
    expect(() => runtime.exit(ok.id, 1)).toThrow("is not running");
    unsubscribe();
    const more = await runtime.startContainer(containerConfig(sandbox.id, "more"));
    runtime.exit(more.id, 0);
    expect(events).toHaveLength(2);
  });

  test("close() tells subscribers it closed, then tells them nothing more", async () => {
    const runtime = createFakeRuntime();
    const events: RuntimeEvent[] = [];
    runtime.subscribe((event) => events.push(event));
    const sandbox = await runtime.runSandbox(sandboxConfig("a"));
    const c = await runtime.startContainer(containerConfig(sandbox.id));
    await runtime.close();
    runtime.exit(c.id, 1);
    expect(events).toEqual([{ type: "closed" }]);
  });

  test("stop exits with 0 after a grace period, 137 without; removal releases the IP", async () => {
    const runtime = createFakeRuntime({ podCIDR: "10.1.0.0/30" });
    const sandbox = await runtime.runSandbox(sandboxConfig("a"));
    const graceful = await runtime.startContainer(containerConfig(sandbox.id, "graceful"));
    const killed = await runtime.startContainer(containerConfig(sandbox.id, "killed"));
    await runtime.stopContainer(graceful.id, 30);
    await runtime.stopSandbox(sandbox.id, 0);
    const byName = Object.fromEntries((await runtime.listContainers(sandbox.id)).map((c) => [c.name, c]));
    expect(byName.graceful).toMatchObject({ state: "exited", exitCode: 0 });
    expect(byName.killed).toMatchObject({ state: "exited", exitCode: 137, reason: "Error" });
    expect((await runtime.listSandboxes())[0]?.state).toBe("notready");
    await expect(runtime.startContainer(containerConfig(sandbox.id))).rejects.toThrow("is not ready");

    // A /30 has one pod IP: the next sandbox gets it only once this one is removed.
    await expect(runtime.runSandbox(sandboxConfig("b"))).rejects.toThrow("no free IP");
    await runtime.removeContainer(killed.id);
    expect((await runtime.listContainers(sandbox.id)).map((c) => c.name)).toEqual(["graceful"]);
    await runtime.removeSandbox(sandbox.id);
    expect(await runtime.listSandboxes()).toEqual([]);
    expect(await runtime.listContainers()).toEqual([]);
    expect((await runtime.runSandbox(sandboxConfig("b"))).ip).toBe(sandbox.ip);
    // Idempotent, as CRI's stop and remove are.
    await runtime.stopSandbox(sandbox.id, 0);
    await runtime.removeSandbox(sandbox.id);
    await runtime.stopContainer(killed.id, 0);
  });

  test("a stopped sandbox's pod UID gets a new sandbox", async () => {
    const runtime = createFakeRuntime();
    const first = await runtime.runSandbox(sandboxConfig("a"));
    await runtime.stopSandbox(first.id, 0);
    const second = await runtime.runSandbox(sandboxConfig("a"));
    expect(second.id).not.toBe(first.id);
    expect(second.state).toBe("ready");
  });

  test("exec prints nothing and exits 0; attach lasts until the container exits", async () => {
    const runtime = createFakeRuntime();
    const sandbox = await runtime.runSandbox(sandboxConfig("a"));
    const container = await runtime.startContainer(containerConfig(sandbox.id));
    const exec = await runtime.exec(container.id, ["cat", "/etc/hostname"], { stdin: true, tty: false });
    exec.stdin?.write("ignored");
    expect(await exec.exited).toBe(0);
    expect(await text(exec.stdout)).toBe("");
    expect(await text(exec.stderr)).toBe("");
    const tty = await runtime.exec(container.id, ["sh"], { stdin: false, tty: true });
    expect(tty.stderr).toBeUndefined();
    expect(tty.stdin).toBeUndefined();

    const attached = await runtime.attach(container.id);
    let settled = false;
    attached.exited.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    runtime.exit(container.id, 7);
    expect(await attached.exited).toBe(7);
    expect(await text(attached.stdout)).toBe("");

    await expect(runtime.exec(container.id, ["true"], { stdin: false, tty: false })).rejects.toThrow(
      "is not running (state exited)",
    );
    await expect(runtime.attach("nope")).rejects.toThrow('container "nope" not found');
  });

  test("5000 pods with two containers each stay cheap", async () => {
    const runtime = createFakeRuntime();
    Bun.gc(true);
    const before = process.memoryUsage().heapUsed;
    const started = performance.now();
    for (let i = 0; i < 5000; i++) {
      const sandbox = await runtime.runSandbox(sandboxConfig(`uid-${i}`));
      await runtime.startContainer(containerConfig(sandbox.id, "app"));
      await runtime.startContainer(containerConfig(sandbox.id, "sidecar"));
    }
    const elapsedMs = performance.now() - started;
    const listed = await runtime.listContainers();
    Bun.gc(true);
    const perPodBytes = (process.memoryUsage().heapUsed - before) / 5000;
    expect(listed).toHaveLength(10_000);
    expect(new Set((await runtime.listSandboxes()).map((s) => s.ip)).size).toBe(5000);
    console.log(
      `fake runtime: 5000 pods in ${elapsedMs.toFixed(0)} ms, ~${Math.round(perPodBytes)} B heap per pod`,
    );
    expect(elapsedMs).toBeLessThan(2_000);
    expect(perPodBytes).toBeLessThan(10_000);
  });

  describe("with a state file", () => {
    const withDir = async (fn: (file: string) => Promise<void>): Promise<void> => {
      const dir = mkdtempSync(join(tmpdir(), "kt-fake-state-"));
      try {
        await fn(join(dir, "node", "fake-runtime.json"));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };

    test("a restarted runtime finds the pods, IPs, IDs and times of the last one (adoption)", async () => {
      await withDir(async (stateFile) => {
        const clock = new Date("2025-01-02T03:04:05Z");
        const first = createFakeRuntime({ podCIDR: "10.88.3.0/24", stateFile, now: () => clock });
        const a = await first.runSandbox(sandboxConfig("a"));
        const b = await first.runSandbox(sandboxConfig("b"));
        const app = await first.startContainer(containerConfig(a.id));
        const done = await first.startContainer(containerConfig(b.id, "job"));
        first.exit(done.id, 3);
        await first.close();

        const later = new Date("2025-01-02T04:00:00Z");
        const second = createFakeRuntime({ podCIDR: "10.88.3.0/24", stateFile, now: () => later });
        expect(await second.listSandboxes()).toEqual([a, b]);
        const containers = await second.listContainers(a.id);
        expect(containers).toEqual([app]);
        expect(containers[0]?.startedAt).toEqual(clock);
        const [exited] = await second.listContainers(b.id);
        expect(exited).toMatchObject({ state: "exited", exitCode: 3, reason: "Error", finishedAt: clock });
        // Adopted IPs and IDs are not handed out again; the same UID keeps its sandbox.
        const c = await second.runSandbox(sandboxConfig("c"));
        expect(c.ip).toBe("10.88.3.4");
        expect([a.id, b.id]).not.toContain(c.id);
        expect((await second.runSandbox(sandboxConfig("a"))).id).toBe(a.id);
        const next = await second.startContainer(containerConfig(c.id));
        expect([app.id, done.id]).not.toContain(next.id);
        // A removed pod stays removed after the next restart; its IP is free again.
        await second.removeSandbox(a.id);
        await second.close();
        const third = createFakeRuntime({ podCIDR: "10.88.3.0/24", stateFile });
        expect((await third.listSandboxes()).map((s) => s.uid)).toEqual(["b", "c"]);
        expect((await third.runSandbox(sandboxConfig("d"))).ip).toBe("10.88.3.2");
        await third.close();
      });
    });

    test("the file is taken at start: a crash (no close) leaves no stale pods for the next start", async () => {
      await withDir(async (stateFile) => {
        const first = createFakeRuntime({ stateFile });
        await first.runSandbox(sandboxConfig("a"));
        expect(existsSync(stateFile)).toBe(false);
        await first.close();
        expect(JSON.parse(readFileSync(stateFile, "utf8")).sandboxes[0].uid).toBe("a");
        const crashed = createFakeRuntime({ stateFile });
        expect((await crashed.listSandboxes()).map((s) => s.uid)).toEqual(["a"]);
        expect(existsSync(stateFile)).toBe(false);
        expect(await createFakeRuntime({ stateFile }).listSandboxes()).toEqual([]);
      });
    });

    test("no file: an empty runtime; a damaged or foreign file: an error naming it", async () => {
      await withDir(async (stateFile) => {
        expect(await createFakeRuntime({ stateFile }).listSandboxes()).toEqual([]);
        await createFakeRuntime({ stateFile }).close();
        writeFileSync(stateFile, '{"version":1,"sandboxes":[');
        expect(() => createFakeRuntime({ stateFile })).toThrow(`${stateFile}: unreadable fake runtime state`);
        writeFileSync(stateFile, JSON.stringify({ version: 7, sandboxes: [], containers: [] }));
        expect(() => createFakeRuntime({ stateFile })).toThrow(`${stateFile}: not a fake runtime state`);
      });
    });
  });
});
