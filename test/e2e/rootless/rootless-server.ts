// Rootless `kube server` for end-to-end tests: an ordinary `kt-` user made with useradd (with
// /etc/subuid ranges), the compiled ./kube run as that user through setpriv (no root left), its
// kubeconfig, and what runs inside kube's own network namespace (nsenter, as the test is root).
// remove() checks that nothing of the user is left (processes, temp files) and runs userdel -r.

import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureKubeBuilt, kubeBinary, repoRoot } from "../../harness/kube-binary.ts";
import { type KubeProcess, spawnKube } from "../../harness/kube-process.ts";
import { type Kubectl, kubectlWithKubeconfig } from "../../harness/kubectl.ts";

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  /** The /etc/subuid range useradd gave the user. */
  sub: { start: number; count: number } | undefined;
  /** A world-readable `kt-` dir for files the user reads (the loopback-only resolv.conf). */
  shared: string;
  /** kill every process of the user, then userdel -r and the shared dir. */
  remove(): string[];
}

function sh(argv: string[]): string {
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${argv.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

/** Processes of `uid` or of its subordinate range (pid and command), from /proc. */
export function processesOf(uid: number, sub?: { start: number; count: number }): string[] {
  const mine = (id: number): boolean =>
    id === uid || (!!sub && id >= sub.start && id < sub.start + sub.count);
  const out: string[] = [];
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/^Uid:\s+(\d+)\s+(\d+)/m);
      if (m && (mine(Number(m[1])) || mine(Number(m[2]))))
        out.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim()}`);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * processesOf once none are left, or what is still there after `timeoutMs`: crun detaches a
 * pause container from kube (its parent is the host's init), so once killed it stays a zombie
 * until that init reaps it.
 */
export async function processesLeft(
  uid: number,
  sub?: { start: number; count: number },
  timeoutMs = 10_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = processesOf(uid, sub);
    if (left.length === 0 || Date.now() > deadline) return left;
    await Bun.sleep(100);
  }
}

export function createTestUser(): TestUser {
  const name = `kt-rl${process.pid % 10000}${Math.floor(Math.random() * 100)}`;
  sh(["useradd", "-m", "-s", "/bin/sh", name]);
  const uid = Number(sh(["id", "-u", name]).trim());
  const gid = Number(sh(["id", "-g", name]).trim());
  const home = sh(["getent", "passwd", name]).split(":")[5] ?? `/home/${name}`;
  const entry = readFileSync("/etc/subuid", "utf8")
    .split("\n")
    .find((line) => line.startsWith(`${name}:`))
    ?.split(":");
  const sub = entry ? { start: Number(entry[1]), count: Number(entry[2]) } : undefined;
  const shared = mkdtempSync(join(tmpdir(), "kt-rootless-"));
  chmodSync(shared, 0o755);
  return {
    name,
    uid,
    gid,
    home,
    sub,
    shared,
    remove() {
      const left = processesOf(uid, sub);
      for (const line of left) {
        const pid = Number(line.split(" ")[0]);
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      spawnSync("userdel", ["-r", name], { encoding: "utf8" });
      rmSync(shared, { recursive: true, force: true });
      return left;
    },
  };
}

/** Files the user left in the shared temp dirs (/tmp, /var/tmp, /dev/shm). */
export function tempFilesOf(uid: number): string[] {
  const out: string[] = [];
  for (const dir of [tmpdir(), "/var/tmp", "/dev/shm"]) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const entry of names) {
      const r = spawnSync("stat", ["-c", "%u", join(dir, entry)], { encoding: "utf8" });
      if (Number(r.stdout?.trim()) === uid) out.push(join(dir, entry));
    }
  }
  return out;
}

export interface RootlessServer {
  proc: KubeProcess;
  /** The inner process (kube's namespaces). */
  innerPid: number;
  apiPort: number;
  kubectl: Kubectl;
  /** Runs argv in kube's network namespace (as the test's root). */
  inNetns(argv: string[]): { stdout: string; code: number };
  /** SIGINT (Ctrl-C) and the exit code (once; later calls get the same code). */
  stop(): Promise<number>;
}

export async function startRootlessServer(user: TestUser, args: string[]): Promise<RootlessServer> {
  await ensureKubeBuilt();
  const resolvConf = join(user.shared, "resolv.conf");
  // No query leaves the machine: the cluster DNS forwards to the host's loopback only.
  writeFileSync(resolvConf, "nameserver 127.0.0.1\n");
  chmodSync(resolvConf, 0o644);
  const proc = spawnKube(
    [
      "setpriv",
      `--reuid=${user.uid}`,
      `--regid=${user.gid}`,
      "--init-groups",
      "--",
      kubeBinary,
      "server",
      "--secure-port",
      "0",
      "--resolv-conf",
      resolvConf,
      ...args,
    ],
    { HOME: user.home, USER: user.name, LOGNAME: user.name },
  );
  await proc.waitFor(/kube server: rootless: ready in \d+ ms/, 60_000);
  const innerPid = Number((proc.stderr().match(/nsenter -U --preserve-credentials -n -m -t (\d+)/) ?? [])[1]);
  const apiPort = Number((proc.stderr().match(/API forwarded to 127\.0\.0\.1:(\d+)/) ?? [])[1]);
  const kubectl = kubectlWithKubeconfig(join(user.home, ".kube-server", "kubeconfig.yaml"));
  let stopping: Promise<number> | undefined;
  return {
    proc,
    innerPid,
    apiPort,
    kubectl,
    inNetns(argv) {
      const r = spawnSync("nsenter", [`--net=/proc/${innerPid}/ns/net`, "--", ...argv], {
        encoding: "utf8",
        cwd: repoRoot,
        timeout: 20_000,
      });
      return { stdout: r.stdout ?? "", code: r.status ?? 1 };
    },
    stop() {
      stopping ??= (async () => {
        proc.kill("SIGINT");
        const timer = setTimeout(() => proc.kill("SIGKILL"), 30_000);
        const code = await proc.exited;
        clearTimeout(timer);
        kubectl.cleanup();
        return code;
      })();
      return stopping;
    },
  };
}
