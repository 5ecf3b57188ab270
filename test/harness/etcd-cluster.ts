// A real etcd cluster of N members on loopback (Debian's etcd 3.4) for the HA tests: fresh
// ports, one `kt-` temp dir, health polled (no fixed sleeps), the leader found through
// etcdctl, members killed one by one by PID, and stop() that ends every member and removes it all.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { etcdBinary, etcdctlBinary, freePort } from "./etcd.ts";

export interface EtcdMember {
  name: string;
  endpoint: string;
  pid: number;
  /** True until kill() or stop(). */
  readonly running: boolean;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface EtcdCluster {
  members: EtcdMember[];
  /** Every member's client URL (what --etcd-servers takes). */
  endpoints: string[];
  /** The member that leads now, from etcdctl's endpoint status of the running members. */
  leader(): Promise<EtcdMember>;
  stop(): Promise<void>;
}

interface EndpointStatus {
  Endpoint: string;
  Status: { header: { member_id: number | string }; leader: number | string };
}

async function healthy(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
    return ((await res.json()) as { health?: string }).health === "true";
  } catch {
    return false;
  }
}

export async function startEtcdCluster(size = 3): Promise<EtcdCluster> {
  const binary = etcdBinary();
  if (!binary) throw new Error("etcd is not installed");
  const dir = await mkdtemp(join(tmpdir(), "kt-etcd-cluster-"));
  const procs: Array<ReturnType<typeof Bun.spawn>> = [];
  const stopAll = async (): Promise<void> => {
    for (const proc of procs) if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    await Promise.all(procs.map((proc) => proc.exited));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const ports = [];
    for (let i = 0; i < size; i++) ports.push({ client: await freePort(), peer: await freePort() });
    const names = ports.map((_, i) => `kt-etcd-${i}`);
    const initialCluster = ports.map((p, i) => `${names[i]}=http://127.0.0.1:${p.peer}`).join(",");
    const members: EtcdMember[] = ports.map((p, i) => {
      const name = names[i] as string;
      const client = `http://127.0.0.1:${p.client}`;
      const peer = `http://127.0.0.1:${p.peer}`;
      const logPath = join(dir, `${name}.log`);
      const proc = Bun.spawn(
        [
          binary,
          `--name=${name}`,
          `--data-dir=${join(dir, name)}`,
          `--listen-client-urls=${client}`,
          `--advertise-client-urls=${client}`,
          `--listen-peer-urls=${peer}`,
          `--initial-advertise-peer-urls=${peer}`,
          `--initial-cluster=${initialCluster}`,
          "--initial-cluster-state=new",
          "--initial-cluster-token=kt-ha",
          "--logger=zap",
          "--log-outputs=stderr",
          "--log-level=warn",
        ],
        {
          stdin: "ignore",
          stdout: Bun.file(logPath),
          stderr: Bun.file(logPath),
          env: { ...process.env, ...(process.arch === "arm64" ? { ETCD_UNSUPPORTED_ARCH: "arm64" } : {}) },
        },
      );
      procs.push(proc);
      return {
        name,
        endpoint: client,
        pid: proc.pid,
        get running() {
          return proc.exitCode === null && proc.signalCode === null;
        },
        async kill(signal: NodeJS.Signals = "SIGKILL") {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
          await proc.exited;
        },
      };
    });
    const deadline = Date.now() + 30_000;
    for (const [i, member] of members.entries()) {
      while (!(await healthy(member.endpoint))) {
        const proc = procs[i] as ReturnType<typeof Bun.spawn>;
        if (proc.exitCode !== null || proc.signalCode !== null || Date.now() > deadline) {
          const log = await readFile(join(dir, `${member.name}.log`), "utf8").catch(() => "");
          throw new Error(`etcd member ${member.name} did not become healthy:\n${log.slice(-2000)}`);
        }
        await Bun.sleep(50);
      }
    }
    return {
      members,
      endpoints: members.map((m) => m.endpoint),
      async leader() {
        const etcdctl = etcdctlBinary();
        if (!etcdctl) throw new Error("etcdctl is not installed");
        const live = members.filter((m) => m.running);
        const proc = Bun.spawn(
          [
            etcdctl,
            `--endpoints=${live.map((m) => m.endpoint).join(",")}`,
            "endpoint",
            "status",
            "-w",
            "json",
          ],
          { stdout: "pipe", stderr: "pipe", env: { ...process.env, ETCDCTL_API: "3" } },
        );
        const [out, err, code] = await Promise.all([
          new Response(proc.stdout).text(),
          new Response(proc.stderr).text(),
          proc.exited,
        ]);
        if (code !== 0) throw new Error(`etcdctl endpoint status failed: ${err}`);
        // Member IDs are uint64: keep them as strings rather than lose digits in a double.
        const statuses = JSON.parse(out.replace(/:(\d{16,})/g, ':"$1"')) as EndpointStatus[];
        const lead = statuses.find((s) => String(s.Status.header.member_id) === String(s.Status.leader));
        const member = lead && live.find((m) => m.endpoint === lead.Endpoint);
        if (!member) throw new Error(`no leader among ${live.map((m) => m.name).join(", ")}: ${out}`);
        return member;
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
