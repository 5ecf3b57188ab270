// `make bench`, dns: queries per second and latency for a service's A record, from `kube dns` (its
// own process, against a `kube apiserver` process) over UDP on loopback, with 1, 16 and 64 queries
// in flight from one client socket in this process. No peer: CoreDNS is not installed here.

import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiClient } from "../lib/client/api-client.ts";
import { apiserverArgv } from "../test/harness/apiserver-argv.ts";
import { decodeReply, queryPacket, spawnKubeDns } from "../test/harness/dns-wire.ts";
import { ensureKubeBuilt } from "../test/harness/kube-binary.ts";
import { spawnKube } from "../test/harness/kube-process.ts";

const SECONDS = Number(process.env.BENCH_DNS_SECONDS ?? 3);
const IN_FLIGHT = (process.env.BENCH_DNS_IN_FLIGHT ?? "1,16,64").split(",").map(Number);
const NAME = "kt-bench.default.svc.cluster.local";

interface Figures {
  qps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** Keeps `inFlight` queries outstanding for `seconds`, matching answers by id. */
function load(port: number, inFlight: number, seconds: number): Promise<Figures> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    const sent = new Map<number, number>();
    const latencies: number[] = [];
    let errors = 0;
    let nextId = 0;
    const end = performance.now() + seconds * 1000;
    const send = (): void => {
      const id = nextId++ & 0xffff;
      const packet = queryPacket(NAME, "A", { id });
      sent.set(id, performance.now());
      socket.send(packet, port, "127.0.0.1");
    };
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearInterval(refill);
      socket.close();
      latencies.sort((a, b) => a - b);
      const at = (q: number) =>
        latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
      resolve({ qps: latencies.length / seconds, p50: at(0.5), p99: at(0.99), errors });
    };
    socket.on("message", (reply) => {
      const now = performance.now();
      const answer = decodeReply(reply);
      const started = sent.get(answer.id ?? -1);
      if (started === undefined) return;
      sent.delete(answer.id ?? -1);
      if (answer.answers?.length !== 1) errors++;
      latencies.push(now - started);
      if (now < end) send();
      else if (sent.size === 0) finish();
    });
    // A lost datagram would stall a slot: refill lost ones once a second.
    const refill = setInterval(() => {
      const now = performance.now();
      for (const [id, started] of sent) {
        if (now - started < 1000) continue;
        sent.delete(id);
        errors++;
        if (now < end) send();
      }
      if (now >= end && sent.size === 0) finish();
    }, 1000);
    socket.bind(0, "127.0.0.1", () => {
      for (let i = 0; i < inFlight; i++) send();
    });
  });
}

export async function benchDns(): Promise<void> {
  await ensureKubeBuilt();
  const dir = mkdtempSync(join(tmpdir(), "kt-bench-dns-"));
  const api = spawnKube(apiserverArgv(join(dir, "db")));
  let dns: ReturnType<typeof spawnKube> | undefined;
  try {
    const url = (await api.waitFor(/serving the Kubernetes API on (http:\/\/\S+)/))[1] as string;
    const client = new ApiClient({ server: url });
    await client.create("/api/v1/namespaces/default/services", {
      metadata: { name: "kt-bench" },
      spec: { ports: [{ port: 80 }], selector: { app: "kt-bench" } },
    });
    dns = spawnKubeDns({ master: url, bindAddress: "127.0.0.1", port: 0, upstream: "127.0.0.1:9" });
    const port = Number((await dns.waitFor(/serving cluster\.local on 127\.0\.0\.1:(\d+)/))[1]);
    await load(port, 16, 0.5); // warm-up
    console.log(`dns: A ${NAME} over UDP, kube dns in its own process, ${SECONDS} s per row`);
    console.log("  in flight   queries/s   p50 ms   p99 ms   errors");
    for (const inFlight of IN_FLIGHT) {
      const f = await load(port, inFlight, SECONDS);
      console.log(
        `  ${String(inFlight).padStart(9)}   ${f.qps.toFixed(0).padStart(9)}   ${f.p50.toFixed(3).padStart(6)}   ${f.p99.toFixed(3).padStart(6)}   ${String(f.errors).padStart(6)}`,
      );
    }
  } finally {
    dns?.kill("SIGTERM");
    api.kill("SIGTERM");
    await Promise.all([dns?.exited, api.exited]);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await benchDns();
