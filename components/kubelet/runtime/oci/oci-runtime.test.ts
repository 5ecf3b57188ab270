// The OCI runtime against the real kernel and crun, with a busybox rootfs built here: rootfs and
// namespaces, user, capabilities, seccomp, read-only root, tty exec, bad input, adoption, cleanup.
// Needs root, crun, busybox and `ip netns`; skipped (with a message) otherwise.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bridgeName } from "../../network/bridge.ts";
import { runCommand } from "../../network/ip-command.ts";
import type { ContainerConfig, ContainerStatus, ExecOptions, Runtime, SandboxConfig } from "../runtime.ts";
import { removeTestRuntime } from "../testing/remove-test-runtime.ts";
import { type OciRuntime, ociUnavailable, startOciRuntime } from "./oci-runtime.ts";

const busybox = Bun.which("busybox");
const unavailable = (await ociUnavailable()) ?? (busybox === null ? "no busybox" : undefined);
if (unavailable !== undefined) console.warn(`oci-runtime.test.ts: skipped (${unavailable})`);
const describeOci = unavailable === undefined ? describe : describe.skip;

let dir = "";
let layer = "";
let secret = "";
const runtimes: OciRuntime[] = [];
/** Every node name a runtime was started with: afterAll fails on (and removes) a bridge of any left. */
const nodeNames = new Set<string>();

async function newRuntime(
  rootDir = join(dir, "kubelet"),
  nodeName = `kt-oci-${randomBytes(3).toString("hex")}`,
): Promise<OciRuntime> {
  nodeNames.add(nodeName);
  const runtime = await startOciRuntime({
    rootDir,
    nodeName,
    log: () => {},
  });
  runtimes.push(runtime);
  return runtime;
}

beforeAll(async () => {
  if (unavailable !== undefined) return;
  dir = await mkdtemp(join(tmpdir(), "kt-oci-"));
  // The image: busybox with its applets, a passwd with a named user, and a file of its own.
  layer = join(dir, "layer");
  await mkdir(join(layer, "bin"), { recursive: true });
  await mkdir(join(layer, "etc"), { recursive: true });
  await copyFile(busybox as string, join(layer, "bin", "busybox"));
  for (const applet of [
    "sh",
    "ps",
    "id",
    "mount",
    "cat",
    "ls",
    "sleep",
    "touch",
    "stty",
    "grep",
    "dd",
    "hostname",
    "echo",
    "mkdir",
  ]) {
    await symlink("busybox", join(layer, "bin", applet));
  }
  await writeFile(
    join(layer, "etc", "passwd"),
    "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n",
  );
  await writeFile(join(layer, "etc", "group"), "root:x:0:\napp:x:1000:\nextra:x:2000:app\n");
  await writeFile(join(layer, "image-file"), "from the image\n");
  // A host file standing for the apiserver's data dir: no container may read it.
  secret = join(dir, "data", "secret.db");
  await mkdir(join(dir, "data"));
  await writeFile(secret, "top secret\n");
});

afterAll(async () => {
  for (const runtime of runtimes.splice(0).reverse()) {
    await removeTestRuntime(runtime);
  }
  const bridges: string[] = [];
  for (const name of [...nodeNames].map(bridgeName)) {
    if ((await runCommand(["ip", "link", "show", "dev", name])).exitCode === 0) bridges.push(name);
  }
  for (const name of bridges) await runCommand(["ip", "link", "del", "dev", name]);
  expect(bridges).toEqual([]);
  if (dir !== "") {
    const mounts = await readFile("/proc/self/mountinfo", "utf8");
    expect(mounts).not.toContain(dir);
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);

function sandboxConfig(name: string, extra: Partial<SandboxConfig> = {}): SandboxConfig {
  return {
    uid: randomBytes(8).toString("hex"),
    name,
    namespace: "default",
    hostNetwork: false,
    hostname: name,
    hostsFile: `127.0.0.1 localhost\n# kt-hosts ${name}\n`,
    resolvConf: "nameserver 127.0.0.53\n",
    labels: {},
    ...extra,
  };
}

function containerConfig(
  sandboxId: string,
  argv: string[],
  extra: Partial<ContainerConfig> = {},
): ContainerConfig {
  return {
    sandboxId,
    name: "c",
    attempt: 0,
    image: "kt-busybox",
    argv,
    env: [],
    mounts: [],
    stdin: false,
    tty: false,
    labels: {},
    rootfs: { layers: [layer], env: ["FROM_IMAGE=yes"] },
    ...extra,
  };
}

async function run(
  runtime: Runtime,
  argv: string[],
  extra: Partial<ContainerConfig> = {},
  sandbox: Partial<SandboxConfig> = {},
) {
  const pod = await runtime.runSandbox(sandboxConfig(`kt-${randomBytes(3).toString("hex")}`, sandbox));
  const status = await runtime.startContainer(containerConfig(pod.id, argv, extra));
  return { pod, status };
}

async function exited(runtime: Runtime, id: string): Promise<ContainerStatus> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = (await runtime.listContainers()).find((c) => c.id === id);
    if (status?.state === "exited") return status;
    if (Date.now() > deadline) throw new Error(`container ${id} did not exit`);
    await Bun.sleep(20);
  }
}

async function logText(status: ContainerStatus): Promise<string> {
  return (await readFile(status.logPath, "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(" ").slice(3).join(" "))
    .join("\n");
}

async function execText(runtime: Runtime, id: string, argv: string[], options: Partial<ExecOptions> = {}) {
  const proc = await runtime.exec(id, argv, { stdin: false, tty: false, ...options });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout as unknown as ReadableStream).text(),
    proc.stderr ? new Response(proc.stderr as unknown as ReadableStream).text() : Promise.resolve(""),
    proc.exited,
  ]);
  return { out, err, code };
}

describeOci("OCI runtime (crun)", () => {
  test("a container sees its image, not the host; its own PID namespace; the image's env; no capabilities as non-root", async () => {
    const runtime = runtimes[0] ?? (await newRuntime());
    const script = [
      "cat /image-file",
      `cat ${secret} || echo no-secret`,
      "ls /root /home 2>&1 | head -1; echo FROM_IMAGE=$FROM_IMAGE",
      "ps -o pid,comm | grep -v ps",
      "id",
      "mount -t tmpfs none /tmp && echo mounted || echo mount-refused",
      "grep -E '^(CapEff|Seccomp|NoNewPrivs)' /proc/self/status",
      "cat /etc/hostname",
    ].join("; ");
    const { pod, status } = await run(runtime, ["sh", "-c", script], {
      runAsUser: 1000,
      security: { allowPrivilegeEscalation: false, supplementalGroups: [3000] },
    });
    expect(status.state).toBe("running");
    const end = await exited(runtime, status.id);
    expect(end.exitCode).toBe(0);
    const log = await logText(end);
    expect(log).toContain("from the image");
    expect(log).toContain("no-secret");
    expect(log).not.toContain("top secret");
    expect(log).toContain("FROM_IMAGE=yes");
    expect(log).toMatch(/^\s*1 sh$/m);
    expect(log).toContain("uid=1000(app) gid=1000(app) groups=1000(app),2000(extra),3000");
    expect(log).toContain("mount-refused");
    expect(log).toContain("CapEff:\t0000000000000000");
    expect(log).toContain("Seccomp:\t2");
    expect(log).toContain("NoNewPrivs:\t1");
    expect(log).toContain(pod.name);
  });

  test("root keeps the default capabilities only: mount is refused without CAP_SYS_ADMIN; privileged mounts", async () => {
    const runtime = runtimes[0] ?? (await newRuntime());
    const probe = [
      "sh",
      "-c",
      "grep CapEff /proc/self/status; mkdir -p /m; mount -t tmpfs none /m && echo mounted || echo mount-refused",
    ];
    const plain = await run(runtime, probe);
    const plainLog = await logText(await exited(runtime, plain.status.id));
    expect(plainLog).toContain("CapEff:\t00000000a80425fb");
    expect(plainLog).toContain("mount-refused");
    const privileged = await run(runtime, probe, { security: { privileged: true } });
    const privilegedLog = await logText(await exited(runtime, privileged.status.id));
    expect(privilegedLog).toContain("mounted");
    const added = await run(runtime, probe, {
      security: { capabilities: { add: ["SYS_ADMIN"], drop: ["ALL"] } },
    });
    const addedLog = await logText(await exited(runtime, added.status.id));
    expect(addedLog).toContain("CapEff:\t0000000000200000");
  });

  test("readOnlyRootFilesystem refuses writes outside volumes; the writable layer dies with the container", async () => {
    const runtime = runtimes[0] ?? (await newRuntime());
    const ro = await run(runtime, ["sh", "-c", "touch /new-file && echo wrote || echo refused"], {
      security: { readOnlyRootFilesystem: true },
    });
    expect(await logText(await exited(runtime, ro.status.id))).toContain("refused");
    const rw = await run(runtime, ["sh", "-c", "echo changed > /image-file && cat /image-file"]);
    expect(await logText(await exited(runtime, rw.status.id))).toContain("changed");
    await runtime.removeContainer(rw.status.id);
    expect(await readFile(join(layer, "image-file"), "utf8")).toBe("from the image\n");
  });

  test("exec runs in the container's namespaces; -it gets a pty that follows resizes", async () => {
    const runtime = runtimes[0] ?? (await newRuntime());
    const { status } = await run(runtime, ["sleep", "1000"]);
    const ps = await execText(runtime, status.id, ["ps", "-o", "pid,comm"]);
    expect(ps.code).toBe(0);
    expect(
      ps.out
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.trim()),
    ).toEqual(["1 sleep", expect.stringMatching(/^\d+ ps$/)]);
    const stats = await runtime.stats(status.id);
    expect(stats?.memoryWorkingSetBytes).toBeGreaterThan(0);
    expect(stats?.cpuUsageNanos).toBeGreaterThan(0);
    const failing = await execText(runtime, status.id, ["sh", "-c", "exit 3"]);
    expect(failing.code).toBe(3);
    const tty = await runtime.exec(status.id, ["sh", "-c", "read line; stty size; echo got:$line"], {
      stdin: true,
      tty: true,
    });
    tty.resize(91, 33);
    let out = "";
    tty.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    tty.stdin?.write("hello\n");
    expect(await tty.exited).toBe(0);
    expect(out).toContain("33 91");
    expect(out).toContain("got:hello");
    expect(out).toContain("\r\n");
    // A command that reads its terminal's size at once sees the client's first resize: the exec
    // starts with it (process.consoleSize), not on a 0x0 pty resized a moment later.
    const sized = await runtime.exec(status.id, ["stty", "size"], { stdin: false, tty: true });
    sized.resize(100, 40);
    let sizedOut = "";
    sized.stdout.on("data", (chunk: Buffer) => {
      sizedOut += chunk.toString();
    });
    expect(await sized.exited).toBe(0);
    expect(sizedOut.trim()).toBe("40 100");
    // Without any resize the exec still starts (after a short wait), on crun's default size.
    const unsized = await runtime.exec(status.id, ["echo", "no-size"], { stdin: false, tty: true });
    let unsizedOut = "";
    unsized.stdout.on("data", (chunk: Buffer) => {
      unsizedOut += chunk.toString();
    });
    expect(await unsized.exited).toBe(0);
    expect(unsizedOut).toContain("no-size");
    await runtime.stopContainer(status.id, 0);
  });

  test("a tty container gets a pty: attach feeds it, resizes it and reads its output", async () => {
    const runtime = runtimes[0] ?? (await newRuntime());
    const { status } = await run(
      runtime,
      ["sh", "-c", "test -t 0 && echo is-a-tty; read x; stty size; echo got:$x"],
      {
        tty: true,
        stdin: true,
      },
    );
    expect(status.state).toBe("running");
    const attached = await runtime.attach(status.id);
    attached.resize(50, 20);
    attached.stdin?.write("hello\n");
    const end = await exited(runtime, status.id);
    expect(end.exitCode).toBe(0);
    const log = await logText(end);
    expect(log).toContain("is-a-tty");
    expect(log).toContain("20 50");
    expect(log).toContain("got:hello");
    attached.kill();
  });

  test("shareProcessNamespace: the pause process is PID 1 and containers see each other", async () => {
    const runtime = runtimes[0] ?? (await newRuntime());
    const { pod, status } = await run(runtime, ["sleep", "1000"], {}, { shareProcessNamespace: true });
    const second = await runtime.startContainer(
      containerConfig(pod.id, ["sleep", "999"], { name: "second" }),
    );
    const ps = await execText(runtime, second.id, ["ps", "-o", "pid,args"]);
    // PID 1 is the pause (the ELF at its bundle's path), which reaps the pod's orphans.
    expect(ps.out).toMatch(/^\s*1 \/\S+\/pause\/pause$/m);
    expect(ps.out).toContain("sleep 1000");
    expect(ps.out).toContain("sleep 999");
    // A container whose main process exits at once leaves an orphan, reparented to PID 1 (killed
    // with the container, or ending by itself): the pause reaps it, no zombie stays.
    const third = await runtime.startContainer(
      containerConfig(pod.id, ["sh", "-c", "sleep 0.3 & exit 0"], { name: "third" }),
    );
    await exited(runtime, third.id);
    const states = async () =>
      (await execText(runtime, second.id, ["sh", "-c", "cat /proc/[0-9]*/stat"])).out
        .split("\n")
        .filter((line) => line.includes("(sleep)"))
        .map((line) => line.slice(line.lastIndexOf(")") + 2, line.lastIndexOf(")") + 3));
    const deadline = Date.now() + 10_000;
    while ((await states()).length > 2 && Date.now() < deadline) await Bun.sleep(50);
    expect(await states()).toEqual(["S", "S"]);
    await runtime.stopSandbox(pod.id, 0);
    expect((await runtime.listContainers(pod.id)).every((c) => c.state === "exited")).toBe(true);
    expect(status.state).toBe("running");
  });

  test("a pod without shareProcessNamespace has no pause process: its IPC and UTS namespaces are pinned files its containers share", async () => {
    const runtime = runtimes[0] ?? (await newRuntime());
    const ownBefore = await runCommand([
      "readlink",
      `/proc/${process.pid}/ns/ipc`,
      `/proc/${process.pid}/ns/uts`,
    ]);
    const hostname = (await runCommand(["hostname"])).stdout;
    const { pod, status } = await run(runtime, ["sleep", "1000"]);
    const second = await runtime.startContainer(
      containerConfig(pod.id, ["sleep", "999"], { name: "second" }),
    );
    expect((await runCommand(["pgrep", "-f", `sandboxes/${pod.id}/pause`])).stdout).toBe("");
    const nsDir = join(dir, "kubelet", "oci", "runtime", "sandboxes", pod.id, "ns");
    const mounts = await readFile("/proc/self/mountinfo", "utf8");
    expect(mounts).toContain(` ${join(nsDir, "ipc")} `);
    expect(mounts).toContain(` ${join(nsDir, "uts")} `);
    // Both containers are in the pinned namespaces (the nsfs inode behind each file).
    const pinned = await runCommand(["stat", "-L", "-c", "%i", join(nsDir, "ipc"), join(nsDir, "uts")]);
    const [ipcInode, utsInode] = pinned.stdout.trim().split("\n");
    for (const id of [status.id, second.id]) {
      const seen = await execText(runtime, id, [
        "sh",
        "-c",
        "ls -l /proc/self/ns/ipc /proc/self/ns/uts; hostname",
      ]);
      expect(seen.out).toContain(`ipc:[${ipcInode}]`);
      expect(seen.out).toContain(`uts:[${utsInode}]`);
      expect(seen.out.trim().split("\n").at(-1)).toBe(pod.name);
    }
    // The kubelet's thread is back in its own namespaces, with its own hostname.
    const ownAfter = await runCommand([
      "readlink",
      `/proc/${process.pid}/ns/ipc`,
      `/proc/${process.pid}/ns/uts`,
    ]);
    expect(ownAfter.stdout).toBe(ownBefore.stdout);
    expect(ownAfter.stdout).not.toContain(`ipc:[${ipcInode}]`);
    expect((await runCommand(["hostname"])).stdout).toBe(hostname);
    await runtime.stopSandbox(pod.id, 0);
    await runtime.removeSandbox(pod.id);
    expect(await readFile("/proc/self/mountinfo", "utf8")).not.toContain(nsDir);
    expect((await runtime.listSandboxes()).find((s) => s.id === pod.id)).toBeUndefined();
  });

  test("the pod's containers share one /dev/shm (a 64 MiB tmpfs); another pod has its own; hostIPC has the host's", async () => {
    const runtime = runtimes[0] ?? (await newRuntime());
    const { pod, status } = await run(runtime, ["sh", "-c", "echo shared > /dev/shm/kt-x; sleep 1000"]);
    expect(status.state).toBe("running");
    const reader = await runtime.startContainer(
      containerConfig(pod.id, ["sleep", "999"], { name: "reader" }),
    );
    let read = { out: "", err: "", code: 1 };
    for (const deadline = Date.now() + 10_000; read.out !== "shared\n" && Date.now() < deadline; ) {
      read = await execText(runtime, reader.id, ["cat", "/dev/shm/kt-x"]);
      if (read.out !== "shared\n") await Bun.sleep(50);
    }
    expect(read.out).toBe("shared\n");
    const mount = await execText(runtime, reader.id, ["grep", " /dev/shm ", "/proc/mounts"]);
    expect(mount.out).toMatch(/^shm \/dev\/shm tmpfs rw,nosuid,nodev,noexec,.*size=65536k/);
    const other = await run(runtime, ["sh", "-c", "cat /dev/shm/kt-x 2>/dev/null || echo absent"]);
    expect(await logText(await exited(runtime, other.status.id))).toBe("absent");
    const hostFile = `/dev/shm/kt-oci-${randomBytes(4).toString("hex")}`;
    await writeFile(hostFile, "host\n");
    try {
      const host = await run(runtime, ["cat", hostFile], {}, { hostIPC: true });
      expect(await logText(await exited(runtime, host.status.id))).toBe("host");
    } finally {
      await rm(hostFile, { force: true });
    }
    const shm = join(dir, "kubelet", "oci", "runtime", "sandboxes", pod.id, "shm");
    expect(await readFile("/proc/self/mountinfo", "utf8")).toContain(` ${shm} `);
    await runtime.stopSandbox(pod.id, 0);
    await runtime.removeSandbox(pod.id);
    expect(await readFile("/proc/self/mountinfo", "utf8")).not.toContain(` ${shm} `);
  });

  test("hostNetwork, hostPID and hostIPC share the host's namespaces", async () => {
    const runtime = runtimes[0] ?? (await newRuntime());
    const script =
      "hostname; for ns in /proc/1/ns/pid /proc/self/ns/net /proc/self/ns/ipc; do readlink $ns; done";
    const { status } = await run(
      runtime,
      ["sh", "-c", script],
      {},
      { hostNetwork: true, hostPID: true, hostIPC: true },
    );
    const lines = (await logText(await exited(runtime, status.id))).split("\n");
    const host = (await runCommand(["readlink", "/proc/1/ns/pid", "/proc/self/ns/net", "/proc/self/ns/ipc"]))
      .stdout;
    expect(lines[0]).toBe((await runCommand(["hostname"])).stdout.trim());
    expect(lines.slice(1), lines.join("\n")).toEqual(host.trim().split("\n"));
    // The host-PID pause goes with the pod (no PID namespace or cgroup takes it); it is one process
    // (the pause ELF; the sh fallback also had a sleep child).
    const pause = (await runCommand(["pgrep", "-f", `sandboxes/${status.sandboxId}/pause`])).stdout.trim();
    expect(pause).toMatch(/^\d+$/);
    // Live members of the pause's process group (a killed one may stay a zombie until init reaps it).
    const group = async () => {
      const pids = (await runCommand(["pgrep", "-g", pause])).stdout.split("\n").filter(Boolean);
      const states = await Promise.all(
        pids.map((pid) =>
          readFile(`/proc/${pid}/stat`, "utf8").then(
            (stat) => stat.split(") ")[1]?.[0],
            () => "X",
          ),
        ),
      );
      return pids.filter((_, i) => states[i] !== "Z" && states[i] !== "X");
    };
    expect(await group()).toEqual([pause]);
    await runtime.stopSandbox(status.sandboxId, 0);
    await runtime.removeSandbox(status.sandboxId);
    expect(await group()).toEqual([]);
    const isolated = await run(runtime, ["sh", "-c", script]);
    const own = (await logText(await exited(runtime, isolated.status.id))).split("\n");
    expect(own.slice(1).some((ns, i) => ns === host.trim().split("\n")[i])).toBe(false);
  });

  test("bad input ends in a container status with the reason and message", async () => {
    const runtime = runtimes[0] ?? (await newRuntime());
    const unknownUser = await run(runtime, ["id"], {
      rootfs: { layers: [layer], env: [], user: "nobody-here" },
    });
    expect(unknownUser.status).toMatchObject({
      state: "exited",
      reason: "CreateContainerError",
      message: "unable to find user nobody-here: no matching entries in passwd file",
    });
    const nul = await run(runtime, ["echo", "a\0b"]);
    expect(nul.status).toMatchObject({
      reason: "CreateContainerError",
      message: "args[1] contains a NUL byte: invalid argument",
    });
    const huge = await run(runtime, ["echo", "x".repeat(3 * 1024 * 1024)]);
    expect(huge.status.reason).toBe("CreateContainerError");
    expect(huge.status.message).toContain("argument list too long");
    const missing = await run(runtime, ["/no/such/program"]);
    expect(missing.status).toMatchObject({ state: "exited", reason: "StartError", exitCode: 128 });
    expect(missing.status.message).toContain("/no/such/program");
    const nonRoot = await run(runtime, ["id"], { security: { runAsNonRoot: true } });
    expect(nonRoot.status).toMatchObject({
      reason: "CreateContainerConfigError",
      message: "container has runAsNonRoot and image will run as root",
    });
  });

  test("exit codes, OOMKilled, stop with a grace period", async () => {
    const runtime = runtimes[0] ?? (await newRuntime());
    const code = await run(runtime, ["sh", "-c", "echo bye; exit 7"]);
    expect(await exited(runtime, code.status.id)).toMatchObject({ exitCode: 7, reason: "Error" });
    const oom = await run(runtime, ["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"], {
      memoryLimitBytes: 16 * 1024 * 1024,
    });
    expect(await exited(runtime, oom.status.id)).toMatchObject({ exitCode: 137, reason: "OOMKilled" });
    const trapped = await run(runtime, [
      "sh",
      "-c",
      "trap 'echo term; exit 0' TERM; while :; do sleep 0.1; done",
    ]);
    await Bun.sleep(100);
    await runtime.stopContainer(trapped.status.id, 5);
    const end = await exited(runtime, trapped.status.id);
    expect(end.exitCode).toBe(0);
    expect(await logText(end)).toContain("term");
  });

  test("a restarted runtime adopts running containers and pods", async () => {
    const root = join(dir, "adopt");
    // The same node name, as a restarting kubelet has: the bridge the pod hangs on is the one adopted.
    const nodeName = `kt-oci-${randomBytes(3).toString("hex")}`;
    const first = await newRuntime(root, nodeName);
    const { pod, status } = await run(first, ["sleep", "1000"]);
    await first.close();
    runtimes.splice(runtimes.indexOf(first), 1);
    const second = await newRuntime(root, nodeName);
    expect((await second.listSandboxes()).find((s) => s.id === pod.id)?.state).toBe("ready");
    expect((await second.listContainers()).find((c) => c.id === status.id)?.state).toBe("running");
    expect((await execText(second, status.id, ["echo", "still here"])).out).toBe("still here\n");
    await second.stopContainer(status.id, 0);
    expect((await exited(second, status.id)).exitCode).toBe(137);
    expect(
      (await runCommand(["crun", "--root", join(root, "oci", "runtime", "crun"), "list", "-q"])).stdout,
    ).not.toContain(status.id);
  });

  test("a removed pod leaves nothing pinned in the mount namespaces of containers still running", async () => {
    const runtime = runtimes[0] ?? (await newRuntime());
    // The keeper's monitor starts after the other pod's netns and overlay exist (its mount namespace copies them).
    const gone = await run(runtime, ["sleep", "1000"]);
    const keeper = await run(runtime, ["sleep", "1000"]);
    // The keeper's monitor: the node's (its crun children make the mount namespaces) or its own.
    const record = JSON.parse(
      await readFile(
        join(dir, "kubelet", "oci", "runtime", "containers", keeper.status.id, "container.json"),
        "utf8",
      ),
    ) as { supervisorPid: number };
    const monitors = [String(record.supervisorPid)];
    expect(monitors[0]).toMatch(/^\d+$/);
    // Before the removal the keeper's monitor does see them (so the check below can fail).
    const before = await readFile(`/proc/${monitors[0]}/mountinfo`, "utf8");
    expect(before).toContain(gone.pod.netns ?? "no netns");
    expect(before).toContain(gone.status.id);
    // Its pinned IPC and UTS namespaces too.
    const pins = `sandboxes/${gone.pod.id}/ns/`;
    expect(before).toContain(`${pins}ipc`);
    await runtime.stopSandbox(gone.pod.id, 0);
    await runtime.removeSandbox(gone.pod.id);
    for (const pid of [...monitors, `${keeper.status.pid}`]) {
      const mounts = await readFile(`/proc/${pid}/mountinfo`, "utf8");
      expect(mounts).not.toContain(gone.pod.netns ?? "no netns");
      expect(mounts).not.toContain(gone.status.id);
      expect(mounts).not.toContain(pins);
    }
    await runtime.stopContainer(keeper.status.id, 0);
  });

  test("a host-executable image runs in a host-tools rootfs without the host's data", async () => {
    const runtime = runtimes[0] ?? (await newRuntime());
    const script = join(dir, "images", "hello");
    await mkdir(join(dir, "images"), { recursive: true });
    await writeFile(
      script,
      `#!/bin/sh\necho hello from $0; cat ${secret} 2>&1 || true; ls /root 2>&1 || true\n`,
      { mode: 0o755 },
    );
    const { status } = await run(runtime, [script], { rootfs: undefined, imageFiles: [script] });
    const log = await logText(await exited(runtime, status.id));
    expect(log).toContain(`hello from ${script}`);
    expect(log).not.toContain("top secret");
  });
});
