// The process runtime against the real kernel: network namespaces, veths, bridges, mounts, cgroups.
// Needs root and `ip netns`; skipped (with a message) otherwise. Everything made is removed afterwards.

import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PAUSE_SCRIPT } from "../../images/embedded/pause.ts";
import { runCommand } from "../../network/ip-command.ts";
import type { ContainerConfig, ContainerStatus, Runtime, SandboxStatus } from "../runtime.ts";
import { removeTestRuntime } from "../testing/remove-test-runtime.ts";
import { processStartTime } from "./proc-stat.ts";
import { type ProcessRuntime, startProcessRuntime } from "./process-runtime.ts";

const isRoot = process.getuid?.() === 0 && (await runCommand(["ip", "netns", "list"])).exitCode === 0;
if (!isRoot) console.warn("process-runtime.test.ts: skipped, needs root and `ip netns` (network namespaces)");

const bun = process.execPath;
// Real processes and namespaces: under load a test outlives bun's 5 s default, and a test abandoned
// mid-way (a child kubelet still starting pods) would leave them behind after afterEach ran.
setDefaultTimeout(30_000);

const runtimes: ProcessRuntime[] = [];
const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kt-"));
  dirs.push(dir);
  return dir;
}

async function newRuntime(rootDir?: string, nodeName = `kt-${randomBytes(3).toString("hex")}`) {
  const runtime = await startProcessRuntime({
    rootDir: rootDir ?? (await tempDir()),
    nodeName,
    log: () => {},
  });
  runtimes.push(runtime);
  return runtime;
}

afterEach(async () => {
  for (const runtime of runtimes.splice(0).reverse()) {
    await removeTestRuntime(runtime);
  }
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

function sandboxConfig(name: string, extra: { hostNetwork?: boolean } = {}) {
  return {
    uid: randomBytes(8).toString("hex"),
    name,
    namespace: "default",
    hostNetwork: extra.hostNetwork ?? false,
    hostname: name,
    hostsFile: `127.0.0.1 localhost\n# kt-hosts ${name}\n`,
    resolvConf: "nameserver 127.0.0.53\n",
    labels: { "kt-test": name },
  };
}

function containerConfig(
  sandboxId: string,
  name: string,
  argv: string[],
  extra: Partial<ContainerConfig> = {},
) {
  return {
    sandboxId,
    name,
    attempt: 0,
    image: "host",
    argv,
    env: [],
    mounts: [],
    stdin: false,
    tty: false,
    labels: {},
    ...extra,
  };
}

async function exited(runtime: Runtime, id: string, timeoutMs = 10_000): Promise<ContainerStatus> {
  return waitFor(
    `container ${id} to exit`,
    async () => (await runtime.listContainers()).find((c) => c.id === id && c.state === "exited"),
    timeoutMs,
  );
}

/** The text of a container's CRI log (the stream/tag prefix removed), once `pattern` shows up. */
async function logText(status: ContainerStatus, pattern: RegExp): Promise<string> {
  return waitFor(`log matching ${pattern}`, async () => {
    const text = (await readFile(status.logPath, "utf8"))
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => line.split(" ").slice(3).join(" "))
      .join("\n");
    return pattern.test(text) ? text : undefined;
  });
}

/** A Bun HTTP server on port 0 that logs its port; returns the port. */
async function startServer(runtime: Runtime, sandbox: SandboxStatus, name: string): Promise<number> {
  const script = `const s = Bun.serve({ port: 0, hostname: "0.0.0.0", fetch: () => new Response("hello from ${name}") }); console.log("port " + s.port);`;
  const status = await runtime.startContainer(containerConfig(sandbox.id, name, [bun, "-e", script]));
  expect(status.state).toBe("running");
  return Number(/port (\d+)/.exec(await logText(status, /port \d+/))?.[1]);
}

/** Runs `bun -e fetch(url)` in the sandbox and returns what it printed. */
async function fetchFrom(runtime: Runtime, sandbox: SandboxStatus, url: string): Promise<string> {
  const script = `console.log("got " + await (await fetch(${JSON.stringify(url)})).text())`;
  const status = await runtime.startContainer(
    containerConfig(sandbox.id, `client-${randomBytes(2).toString("hex")}`, [bun, "-e", script]),
  );
  const end = await exited(runtime, status.id);
  const text = await readFile(status.logPath, "utf8");
  expect({ exitCode: end.exitCode, text }).toMatchObject({ exitCode: 0 });
  return text;
}

describe.skipIf(!isRoot)("process runtime (root, real namespaces)", () => {
  test("two containers share a pod's netns; the host reaches the pod IP", async () => {
    const runtime = await newRuntime();
    expect(runtime.networking).toBe("netns");
    const sandbox = await runtime.runSandbox(sandboxConfig("web"));
    expect(sandbox.ip.startsWith(runtime.podCIDR!.split(".").slice(0, 3).join("."))).toBe(true);
    expect((await runCommand(["ip", "netns", "list"])).stdout).toContain(sandbox.netns!);
    const port = await startServer(runtime, sandbox, "a");
    expect(await fetchFrom(runtime, sandbox, `http://127.0.0.1:${port}/`)).toContain("got hello from a");
    expect(await (await fetch(`http://${sandbox.ip}:${port}/`)).text()).toBe("hello from a");
  });

  test("pods of two nodes reach each other and the host", async () => {
    const node1 = await newRuntime();
    const node2 = await newRuntime();
    expect(node1.podCIDR).not.toBe(node2.podCIDR);
    const pod1 = await node1.runSandbox(sandboxConfig("one"));
    const pod2 = await node2.runSandbox(sandboxConfig("two"));
    const port = await startServer(node2, pod2, "two");
    expect(await fetchFrom(node1, pod1, `http://${pod2.ip}:${port}/`)).toContain("got hello from two");
    const host = Bun.serve({ port: 0, hostname: node1.nodeIP, fetch: () => new Response("hello from host") });
    try {
      expect(await fetchFrom(node2, pod2, `http://${node1.nodeIP}:${host.port}/`)).toContain(
        "got hello from host",
      );
    } finally {
      await host.stop(true);
    }
  });

  test("mounts, env, workingDir, runAsUser, /etc/hosts", async () => {
    const runtime = await newRuntime();
    const dir = await tempDir();
    await mkdir(join(dir, "data"));
    await writeFile(join(dir, "data", "file.txt"), "from the volume");
    await chmod(dir, 0o755);
    const target = join(dir, "mnt", "data");
    const sandbox = await runtime.runSandbox(sandboxConfig("mounts"));
    const script = [
      `cat ${target}/file.txt; echo`,
      `touch ${target}/new 2>/dev/null && echo writable || echo read-only`,
      'echo "pwd=$(pwd) uid=$(id -u) gid=$(id -g) foo=$FOO path=$PATH"',
      "env | sort | tr '\\n' ' '; echo",
      "grep kt-hosts /etc/hosts",
      'echo "hostname=$(cat /proc/sys/kernel/hostname)"',
    ].join("; ");
    const status = await runtime.startContainer(
      containerConfig(sandbox.id, "c", ["/bin/sh", "-c", script], {
        env: [
          ["FOO", "one"],
          ["FOO", "two"],
        ],
        workingDir: "/tmp",
        runAsUser: 1234,
        runAsGroup: 2345,
        mounts: [{ hostPath: join(dir, "data"), containerPath: target, readOnly: true }],
      }),
    );
    expect((await exited(runtime, status.id)).exitCode).toBe(0);
    const text = await logText(status, /kt-hosts/);
    expect(text).toContain("from the volume");
    expect(text).toContain("read-only");
    expect(text).toContain(
      "pwd=/tmp uid=1234 gid=2345 foo=two path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    );
    // Only the pod's env (sh adds PWD), not the kubelet's.
    expect(text).toContain(
      "FOO=two PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin PWD=/tmp",
    );
    expect(text).toContain("# kt-hosts mounts");
    expect(text).toContain("hostname=mounts");
    // The mount point exists on the host, empty: the bind mount lived only in the container's namespace.
    expect(await readdir(target)).toEqual([]);
  });

  test("stop: SIGTERM to the group, SIGKILL after the grace period; children die too", async () => {
    const runtime = await newRuntime();
    const sandbox = await runtime.runSandbox(sandboxConfig("stop"));
    const status = await runtime.startContainer(
      containerConfig(sandbox.id, "c", ["/bin/sh", "-c", "trap '' TERM; sleep 1000 & echo child $!; wait"]),
    );
    const child = Number(/child (\d+)/.exec(await logText(status, /child \d+/))?.[1]);
    expect(child).toBeGreaterThan(0);
    const started = performance.now();
    await runtime.stopContainer(status.id, 1);
    const took = performance.now() - started;
    const end = await exited(runtime, status.id);
    expect(end.exitCode).toBe(137);
    expect(end.reason).toBe("Error");
    expect(took).toBeGreaterThanOrEqual(950);
    // Gone, or a zombie waiting for init to reap it.
    await waitFor("the container's child to die", async () =>
      (await processStartTime(child)) === undefined ? true : undefined,
    );

    const polite = await runtime.startContainer(
      containerConfig(sandbox.id, "d", ["/bin/sh", "-c", "sleep 1000 & wait"]),
    );
    const t0 = performance.now();
    await runtime.stopContainer(polite.id, 30);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect((await exited(runtime, polite.id)).exitCode).toBe(143);
  });

  test("the pause image's argv: one process named /pause in the pod's netns, no sh or sleep; TERM ends it with 0", async () => {
    const runtime = await newRuntime();
    const sandbox = await runtime.runSandbox(sandboxConfig("pause"));
    const status = await runtime.startContainer(
      containerConfig(sandbox.id, "pause", ["/bin/sh", "-c", PAUSE_SCRIPT], { image: "pause" }),
    );
    expect(status.state).toBe("running");
    const pid = status.pid ?? 0;
    expect(pid).toBeGreaterThan(0);
    expect((await readFile(`/proc/${pid}/cmdline`, "utf8")).replace(/\0+$/, "")).toBe("/pause");
    // Nothing forked: the container's process group is the pause alone.
    const group = (await readdir("/proc")).filter(
      (entry) =>
        /^\d+$/.test(entry) &&
        (() => {
          try {
            const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
            return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) === pid;
          } catch {
            return false;
          }
        })(),
    );
    expect(group).toEqual([`${pid}`]);
    const netns = await runCommand(["ip", "netns", "identify", `${pid}`]);
    expect(netns.stdout.trim()).toBe(sandbox.netns ?? "");
    await runtime.stopContainer(status.id, 5);
    const end = await exited(runtime, status.id);
    expect(end.exitCode).toBe(0);
    expect(end.reason).toBe("Completed");
  });

  test("podSandbox finds a pod's sandbox by uid (also after a restart), none once removed", async () => {
    const dir = await tempDir();
    const runtime = await newRuntime(dir);
    const a = sandboxConfig("by-uid-a", { hostNetwork: true });
    const b = sandboxConfig("by-uid-b", { hostNetwork: true });
    const first = await runtime.runSandbox(a);
    const second = await runtime.runSandbox(b);
    expect((await runtime.podSandbox?.(a.uid))?.id).toBe(first.id);
    expect((await runtime.podSandbox?.(b.uid))?.id).toBe(second.id);
    expect(await runtime.podSandbox?.("no-such-uid")).toBeUndefined();
    // The same uid asks again: the ready sandbox, not a new one.
    expect((await runtime.runSandbox(a)).id).toBe(first.id);
    const restarted = await newRuntime(dir);
    expect((await restarted.podSandbox?.(b.uid))?.id).toBe(second.id);
    await restarted.removeSandbox(first.id);
    expect(await restarted.podSandbox?.(a.uid)).toBeUndefined();
    expect((await restarted.listSandboxes()).map((s) => s.id)).toEqual([second.id]);
  });

  test("a container directory without a record (a start cut short): its processes end and it goes", async () => {
    const dir = await tempDir();
    const runtime = await newRuntime(dir);
    const sandbox = await runtime.runSandbox(sandboxConfig("orphan", { hostNetwork: true }));
    const status = await runtime.startContainer(
      containerConfig(sandbox.id, "c", ["/bin/sh", "-c", "sleep 1000"]),
    );
    expect(status.state).toBe("running");
    const pid = status.pid ?? 0;
    const stateDir = join(dir, "runtime", "containers", status.id);
    // What a kubelet dying between the launch and the record's save leaves.
    await rm(join(stateDir, "container.json"));
    const restarted = await newRuntime(dir);
    expect((await restarted.listContainers()).map((c) => c.id)).not.toContain(status.id);
    await waitFor("the orphan's process to end", async () =>
      (await processStartTime(pid)) === undefined ? true : undefined,
    );
    expect(await readdir(join(dir, "runtime", "containers"))).not.toContain(status.id);
  });

  test("the pause is one process (its own supervisor): killed by a signal its end is 137, not lost", async () => {
    const runtime = await newRuntime();
    const sandbox = await runtime.runSandbox(sandboxConfig("pause-kill"));
    const status = await runtime.startContainer(
      containerConfig(sandbox.id, "pause", ["/bin/sh", "-c", PAUSE_SCRIPT], { image: "pause" }),
    );
    expect(status.state).toBe("running");
    const pid = status.pid ?? 0;
    // No supervisor above it: its parent is the node's launcher, a perl not in its process group.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    expect((await readFile(`/proc/${parent}/cmdline`, "utf8")).split("\0")[1]).toEndWith("/launcher.pl");
    process.kill(pid, "SIGKILL");
    const end = await exited(runtime, status.id);
    expect(end.exitCode).toBe(137);
    expect(end.reason).toBe("Error");
  });

  test("a pause with stdin keeps its supervisor (the one-process pause has no stdin)", async () => {
    const runtime = await newRuntime();
    const sandbox = await runtime.runSandbox(sandboxConfig("pause-stdin"));
    const status = await runtime.startContainer(
      containerConfig(sandbox.id, "pause", ["/bin/sh", "-c", PAUSE_SCRIPT], { image: "pause", stdin: true }),
    );
    expect(status.state).toBe("running");
    const pid = status.pid ?? 0;
    expect((await readFile(`/proc/${pid}/cmdline`, "utf8")).replace(/\0+$/, "")).toBe("/pause");
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    expect(await readFile(`/proc/${parent}/cmdline`, "utf8")).toStartWith("supervisor.pl");
    await runtime.stopContainer(status.id, 5);
    expect((await exited(runtime, status.id)).exitCode).toBe(0);
  });

  test("exit codes, start errors and CRI log lines", async () => {
    const runtime = await newRuntime();
    const sandbox = await runtime.runSandbox(sandboxConfig("exits"));
    const long = "x".repeat(20_000);
    const status = await runtime.startContainer(
      containerConfig(sandbox.id, "c", [
        "/bin/sh",
        "-c",
        `echo out; echo err >&2; echo ${long}; printf tail; exit 7`,
      ]),
    );
    const end = await exited(runtime, status.id);
    expect(end).toMatchObject({ exitCode: 7, reason: "Error", state: "exited" });
    expect(end.finishedAt!.getTime()).toBeGreaterThanOrEqual(end.startedAt!.getTime());
    const lines = (await readFile(status.logPath, "utf8")).split("\n").filter((l) => l !== "");
    for (const line of lines)
      expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (stdout|stderr) [FP] /);
    const body = lines.map((line) => line.split(" ").slice(1).join(" "));
    expect(body).toContain("stdout F out");
    expect(body).toContain("stderr F err");
    expect(body).toContain(`stdout P ${"x".repeat(16384)}`);
    expect(body).toContain(`stdout F ${"x".repeat(20_000 - 16384)}`);
    expect(body).toContain("stdout F tail");

    const ok = await runtime.startContainer(containerConfig(sandbox.id, "ok", ["true"]));
    expect(await exited(runtime, ok.id)).toMatchObject({ exitCode: 0, reason: "Completed" });

    const missing = await runtime.startContainer(
      containerConfig(sandbox.id, "missing", ["/no/such/kt-binary"]),
    );
    expect(missing).toMatchObject({ state: "exited", exitCode: 128, reason: "StartError" });
    expect(missing.message).toContain("/no/such/kt-binary");
    const notInPath = await runtime.startContainer(
      containerConfig(sandbox.id, "nopath", ["kt-no-such-command"]),
    );
    expect(notInPath.message).toContain('"kt-no-such-command": executable file not found in $PATH');
    const dir = await tempDir();
    await writeFile(join(dir, "script"), "#!/bin/sh\n");
    const denied = await runtime.startContainer(containerConfig(sandbox.id, "denied", [join(dir, "script")]));
    expect(denied).toMatchObject({ exitCode: 128, reason: "StartError" });
    expect(denied.message).toContain(`${join(dir, "script")}": permission denied`);
  });

  test("OOMKilled when the memory limit is hit; stats while running", async () => {
    const runtime = await newRuntime();
    const sandbox = await runtime.runSandbox(sandboxConfig("oom"));
    const busy = await runtime.startContainer(
      containerConfig(sandbox.id, "busy", ["perl", "-e", '$x = "a" x 30_000_000; 1 while 1'], {
        memoryLimitBytes: 200 * 1024 * 1024,
        cpuLimitMillis: 500,
        cpuRequestMillis: 100,
      }),
    );
    const stats = await waitFor("stats with CPU use", async () => {
      const s = await runtime.stats(busy.id);
      return s !== undefined && s.cpuUsageNanos > 50_000_000 && s.memoryWorkingSetBytes > 20_000_000
        ? s
        : undefined;
    });
    expect(stats.memoryWorkingSetBytes).toBeLessThan(200 * 1024 * 1024);
    await runtime.stopContainer(busy.id, 0);

    const hog = await runtime.startContainer(
      containerConfig(sandbox.id, "hog", ["perl", "-e", '$x = "a" x 300_000_000; sleep 5'], {
        memoryLimitBytes: 50 * 1024 * 1024,
      }),
    );
    expect(await exited(runtime, hog.id)).toMatchObject({ exitCode: 137, reason: "OOMKilled" });
  });

  test("exec and attach", async () => {
    const runtime = await newRuntime();
    const sandbox = await runtime.runSandbox(sandboxConfig("exec"));
    const status = await runtime.startContainer(
      containerConfig(sandbox.id, "c", ["/bin/sh", "-c", 'while read line; do echo "got $line"; done'], {
        stdin: true,
        env: [["GREETING", "hi"]],
        workingDir: "/tmp",
      }),
    );
    expect(status.state).toBe("running");
    const tty = await runtime.exec(status.id, ["/bin/sh", "-c", "echo one; echo two >&2"], {
      stdin: false,
      tty: true,
    });
    expect(tty.stderr).toBeUndefined();
    expect(await new Response(tty.stdout as unknown as ReadableStream).text()).toBe("one\ntwo\n");
    expect(await tty.exited).toBe(0);

    const proc = await runtime.exec(
      status.id,
      [
        "/bin/sh",
        "-c",
        'echo "$GREETING $(pwd) $(cat /proc/sys/kernel/hostname)"; ip -4 -o addr show eth0; echo oops >&2; exit 3',
      ],
      {
        stdin: false,
        tty: false,
      },
    );
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout as unknown as ReadableStream).text(),
      new Response(proc.stderr as unknown as ReadableStream).text(),
      proc.exited,
    ]);
    expect({ code, out, err }).toMatchObject({ code: 3, err: "oops\n" });
    expect(out).toContain("hi /tmp exec");
    expect(out).toContain(sandbox.ip);
    expect(err).toBe("oops\n");

    // The exec'd process joins the container's cgroups (its limits and stats cover it).
    const cgroup = await runtime.exec(status.id, ["cat", "/proc/self/cgroup"], { stdin: false, tty: false });
    const cgroupText = await new Response(cgroup.stdout as unknown as ReadableStream).text();
    expect(await cgroup.exited).toBe(0);
    expect(cgroupText).toMatch(new RegExp(`:memory:.*/kube-${status.id}$`, "m"));

    const slow = await runtime.exec(status.id, ["sleep", "100"], {
      stdin: false,
      tty: false,
      timeoutMs: 200,
    });
    expect(await slow.exited).toBe(137);

    const attached = await runtime.attach(status.id);
    const chunks: string[] = [];
    attached.stdout.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
    attached.stdin!.write("hello\n");
    await waitFor("attach output", async () => (chunks.join("").includes("got hello") ? true : undefined));
    attached.kill();
    expect(await attached.exited).toBe(0);

    const plain = await runtime.startContainer(containerConfig(sandbox.id, "plain", ["true"]));
    await exited(runtime, plain.id);
    let error: unknown;
    try {
      await runtime.attach(plain.id);
    } catch (e) {
      error = e;
    }
    expect(String(error)).toContain("not running");
  });

  test("a new runtime on the same rootDir adopts pods after the kubelet process exits", async () => {
    const rootDir = await tempDir();
    const flag = join(await tempDir(), "flag");
    const nodeName = `kt-${randomBytes(3).toString("hex")}`;
    // A separate kubelet process starts the pod and exits, as a restarting kubelet would.
    const script = `
      const { startProcessRuntime } = await import(${JSON.stringify(join(import.meta.dir, "process-runtime.ts"))});
      const rt = await startProcessRuntime({ rootDir: ${JSON.stringify(rootDir)}, nodeName: ${JSON.stringify(nodeName)}, log: () => {} });
      const sb = await rt.runSandbox(${JSON.stringify(sandboxConfig("adopt"))});
      const c = await rt.startContainer({ sandboxId: sb.id, name: "c", attempt: 0, image: "host", env: [], mounts: [],
        stdin: false, tty: false, labels: {}, argv: ["/bin/sh", "-c", "echo before; while [ ! -e ${flag} ]; do sleep 0.05; done; echo after; exit 5"] });
      await rt.close();
      console.log(JSON.stringify({ sandbox: sb.id, container: c.id, state: c.state }));`;
    const first = await runCommand([bun, "-e", script]);
    // Adopt before any assertion: afterEach then removes whatever the other process made.
    const runtime = await newRuntime(rootDir, nodeName);
    expect(first.exitCode).toBe(0);
    const ids = JSON.parse(first.stdout.trim().split("\n").pop()!) as {
      sandbox: string;
      container: string;
      state: string;
    };
    expect(ids.state).toBe("running");
    expect((await runtime.listSandboxes()).map((s) => [s.id, s.state])).toEqual([[ids.sandbox, "ready"]]);
    const [container] = await runtime.listContainers(ids.sandbox);
    expect(container).toMatchObject({ id: ids.container, state: "running" });
    const events: string[] = [];
    runtime.subscribe((event) =>
      events.push(`${event.type} ${"containerId" in event ? event.containerId : ""}`),
    );
    await writeFile(flag, "");
    expect(await exited(runtime, ids.container)).toMatchObject({ exitCode: 5, reason: "Error" });
    expect(events).toEqual([`container-exited ${ids.container}`]);
    expect(await logText(container!, /after/)).toBe("before\nafter");
  });

  test("removeSandbox leaves no netns, veth or IP allocation; hostNetwork pods share the host", async () => {
    const runtime = await newRuntime();
    const sandbox = await runtime.runSandbox(sandboxConfig("gone"));
    const hostPod = await runtime.runSandbox(sandboxConfig("hostnet", { hostNetwork: true }));
    expect(hostPod).toMatchObject({ ip: runtime.nodeIP, hostNetwork: true });
    expect(hostPod.netns).toBeUndefined();
    const links = (await runCommand(["ip", "-o", "link", "show", "master", (await bridgeOf(runtime))!]))
      .stdout;
    const veth = /: (kv[0-9a-f]{11})@/.exec(links)?.[1];
    expect(veth).toBeDefined();
    const status = await runtime.startContainer(containerConfig(sandbox.id, "c", ["sleep", "1000"]));
    await runtime.stopSandbox(sandbox.id, 0);
    expect((await runtime.listContainers(sandbox.id))[0]?.state).toBe("exited");
    expect(status.state).toBe("running");
    await runtime.removeSandbox(sandbox.id);
    expect((await runCommand(["ip", "netns", "list"])).stdout).not.toContain(sandbox.netns!);
    expect((await runCommand(["ip", "link", "show", "dev", veth!])).exitCode).not.toBe(0);
    expect(await runtime.listContainers(sandbox.id)).toEqual([]);
    expect((await runtime.listSandboxes()).map((s) => s.id)).toEqual([hostPod.id]);
  });
});

async function bridgeOf(runtime: Runtime): Promise<string | undefined> {
  const routes = (await runCommand(["ip", "-4", "route", "show", runtime.podCIDR!])).stdout;
  return /dev (\S+)/.exec(routes)?.[1];
}

describe.skipIf(!isRoot)("process runtime, more lifecycle (root)", () => {
  test("a pod's next sandbox runs while the stopped one still exists", async () => {
    const runtime = await newRuntime();
    const config = sandboxConfig("again");
    const first = await runtime.runSandbox(config);
    expect((await runtime.runSandbox(config)).id).toBe(first.id);
    await runtime.stopSandbox(first.id, 0);
    const second = await runtime.runSandbox(config);
    expect(second.id).not.toBe(first.id);
    expect(second.netns).not.toBe(first.netns);
    expect(second.ip).not.toBe(first.ip);
    const states = Object.fromEntries((await runtime.listSandboxes()).map((s) => [s.id, s.state]));
    expect(states).toEqual({ [first.id]: "notready", [second.id]: "ready" });
  });

  test("host networking: no netns, node IP 127.0.0.1, containers still get their own mounts", async () => {
    const runtime = await startProcessRuntime({
      rootDir: await tempDir(),
      nodeName: "kt-host",
      log: () => {},
      networking: "host",
    });
    runtimes.push(runtime);
    expect(runtime).toMatchObject({ networking: "host", nodeIP: "127.0.0.1", podCIDR: undefined });
    const sandbox = await runtime.runSandbox(sandboxConfig("h"));
    expect(sandbox).toMatchObject({ ip: "127.0.0.1", state: "ready" });
    expect(sandbox.netns).toBeUndefined();
    const status = await runtime.startContainer(
      containerConfig(sandbox.id, "c", ["/bin/sh", "-c", "grep kt-hosts /etc/hosts"]),
    );
    expect((await exited(runtime, status.id)).exitCode).toBe(0);
  });

  test("close() keeps the bridge while pods remain and removes it once none is left", async () => {
    const rootDir = await tempDir();
    const nodeName = `kt-${randomBytes(3).toString("hex")}`;
    const first = await startProcessRuntime({ rootDir, nodeName, log: () => {} });
    runtimes.push(first);
    const bridge = (await bridgeOf(first))!;
    const sandbox = await first.runSandbox(sandboxConfig("last"));
    const events: string[] = [];
    first.subscribe((event) => events.push(event.type));
    await first.close();
    expect(events).toEqual(["closed"]);
    expect((await runCommand(["ip", "link", "show", "dev", bridge])).exitCode).toBe(0);
    const second = await startProcessRuntime({ rootDir, nodeName, log: () => {} });
    runtimes.push(second);
    expect(second.podCIDR).toBe(first.podCIDR);
    await second.removeSandbox(sandbox.id);
    await second.close();
    expect((await runCommand(["ip", "link", "show", "dev", bridge])).exitCode).not.toBe(0);
  });
});
