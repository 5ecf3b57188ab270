// Starts a real etcd (3.4, Debian's `etcd` package) on loopback for tests that compare kube with
// the real thing: a temp data dir, freshly picked ports, health polled (no fixed sleeps), and
// stop() that ends exactly that PID and removes the dir. hasRealEtcd() tells whether it is there.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RealEtcd {
  /** `http://127.0.0.1:<port>` (`https://` with TLS) */
  readonly endpoint: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export function etcdBinary(): string | null {
  return Bun.which("etcd");
}

export function etcdctlBinary(): string | null {
  return Bun.which("etcdctl");
}

export function hasRealEtcd(): boolean {
  return etcdBinary() !== null && etcdctlBinary() !== null;
}

/**
 * Whether tests needing a real etcd can run. Missing etcd fails under CI (the Makefile installs
 * it) and skips with a printed reason elsewhere.
 */
export function realEtcdOrSkip(what: string): boolean {
  if (hasRealEtcd()) return true;
  const reason = `${what}: needs etcd and etcdctl on PATH (Debian: apt-get install etcd-server etcd-client)`;
  if (process.env.CI) throw new Error(`${reason}; CI is set, so this fails rather than skips`);
  console.warn(`skipping ${reason}`);
  return false;
}

/**
 * A port that was free a moment ago, for servers that cannot listen on port 0 and report it (etcd,
 * a static pod's apiserver). It is drawn at random below the kernel's ephemeral range
 * (ip_local_port_range starts at 32768) and below the NodePort range (30000-32767), so no port-0 listener or outgoing connection of another
 * test can take it between this check and the server's bind; ports handed out are not repeated.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = FREE_PORT_FROM + Math.floor(Math.random() * (FREE_PORT_TO - FREE_PORT_FROM));
    if (handedOut.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${FREE_PORT_FROM} and ${FREE_PORT_TO}`);
}

const FREE_PORT_FROM = 20000;
const FREE_PORT_TO = 30000;
const handedOut = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "0.0.0.0", () => server.close(() => resolve(true)));
  });
}

const running = new Set<{ kill(signal?: number | NodeJS.Signals): void }>();
process.on("exit", () => {
  for (const proc of running) proc.kill("SIGKILL");
});

/** Client TLS for a real etcd: etcd's --cert-file, --key-file, --trusted-ca-file, --client-cert-auth. */
export interface RealEtcdTls {
  certFile: string;
  keyFile: string;
  trustedCaFile: string;
  clientCertAuth?: boolean;
}

async function healthy(endpoint: string, tls: RealEtcdTls | undefined): Promise<boolean> {
  try {
    // With TLS the health probe presents the server's own pair (the test PKI's leaves do both).
    const clientTls = tls && {
      ca: await readFile(tls.trustedCaFile, "utf8"),
      cert: await readFile(tls.certFile, "utf8"),
      key: await readFile(tls.keyFile, "utf8"),
    };
    const res = await fetch(`${endpoint}/health`, {
      signal: AbortSignal.timeout(1000),
      ...(clientTls ? { tls: clientTls } : {}),
    });
    const body = (await res.json()) as { health?: string };
    return body.health === "true";
  } catch {
    return false;
  }
}

async function startOnce(dir: string, tls: RealEtcdTls | undefined): Promise<RealEtcd | "port-taken"> {
  const binary = etcdBinary();
  if (!binary) throw new Error("etcd is not installed");
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const client = `${tls ? "https" : "http"}://127.0.0.1:${clientPort}`;
  const tlsFlags = tls
    ? [
        `--cert-file=${tls.certFile}`,
        `--key-file=${tls.keyFile}`,
        `--trusted-ca-file=${tls.trustedCaFile}`,
        ...(tls.clientCertAuth ? ["--client-cert-auth"] : []),
      ]
    : [];
  const peer = `http://127.0.0.1:${peerPort}`;
  const logPath = join(dir, `etcd-${clientPort}.log`);
  const proc = Bun.spawn(
    [
      binary,
      "--name=kt",
      `--data-dir=${join(dir, `data-${clientPort}`)}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=kt=${peer}`,
      "--logger=zap",
      "--log-outputs=stderr",
      "--log-level=warn",
      ...tlsFlags,
    ],
    {
      stdin: "ignore",
      stdout: Bun.file(logPath),
      stderr: Bun.file(logPath),
      // etcd 3.4 refuses to start on arm64 unless told it may.
      env: { ...process.env, ...(process.arch === "arm64" ? { ETCD_UNSUPPORTED_ARCH: "arm64" } : {}) },
    },
  );
  running.add(proc);
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
      await proc.exited;
      clearTimeout(timer);
    }
    running.delete(proc);
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      const log = await readFile(logPath, "utf8").catch(() => "");
      running.delete(proc);
      if (/address already in use/.test(log)) return "port-taken";
      throw new Error(`etcd exited with ${proc.exitCode ?? proc.signalCode} before it was healthy:\n${log}`);
    }
    if (await healthy(client, tls)) return { endpoint: client, pid: proc.pid, stop };
    await Bun.sleep(50);
  }
  await stop();
  throw new Error(`etcd at ${client} was not healthy within 30 s; log: ${logPath}`);
}

/** Starts a fresh single-member etcd; always pair with `stop()` in afterAll/afterEach. */
export async function startRealEtcd(options: { tls?: RealEtcdTls } = {}): Promise<RealEtcd> {
  const dir = await mkdtemp(join(tmpdir(), "kt-etcd-"));
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      const started = await startOnce(dir, options.tls);
      if (started === "port-taken") continue;
      return {
        endpoint: started.endpoint,
        pid: started.pid,
        stop: async () => {
          await started.stop();
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    throw new Error("etcd: no free port pair after 5 attempts");
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
