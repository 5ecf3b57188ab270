// Both sides of a parity test: `kube etcd` (the gRPC front over SQLite, in this process, with
// quick progress notifications) and a real etcd 3.4; writes go through the gRPC client on both.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEtcd } from "../../components/etcd/server.ts";
import { connectEtcd } from "../../storage/etcd/client.ts";
import type { KV } from "../../storage/kv.ts";
import { openSqliteKV } from "../../storage/sqlite/sqlite-kv.ts";
import { realEtcdOrSkip, startRealEtcd } from "./etcd.ts";

export interface EtcdTarget {
  /** host:port */
  address: string;
  /** Writes go through the gRPC client, so both targets see the same requests. */
  kv: KV;
  /** Whether progress_notify ticks come quickly (kube: 100 ms; etcd: 10 minutes). */
  fastProgressNotify: boolean;
  stop(): Promise<void>;
}

export async function kubeEtcdTarget(): Promise<EtcdTarget> {
  const dir = await mkdtemp(join(tmpdir(), "kt-watch-service-"));
  const store = await openSqliteKV({ dataDir: dir });
  const server = await startEtcd({
    kv: store,
    listenClientUrls: ["http://127.0.0.1:0"],
    progressNotifyIntervalMs: 100,
  });
  const kv = await connectEtcd({ endpoints: server.urls });
  return {
    address: (server.urls[0] ?? "").replace("http://", ""),
    kv,
    fastProgressNotify: true,
    stop: async () => {
      await kv.close();
      await server.stop();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function realEtcdTarget(): Promise<EtcdTarget> {
  const etcd = await startRealEtcd();
  const kv = await connectEtcd({ endpoints: [etcd.endpoint] }).catch(async (err: unknown) => {
    await etcd.stop();
    throw err;
  });
  return {
    address: etcd.endpoint.replace("http://", ""),
    kv,
    fastProgressNotify: false,
    stop: async () => {
      await kv.close();
      await etcd.stop();
    },
  };
}

/** kube etcd, plus a real etcd when there is one (see realEtcdOrSkip for CI). */
export function etcdTargets(what: string): [string, () => Promise<EtcdTarget>][] {
  const targets: [string, () => Promise<EtcdTarget>][] = [["kube etcd", kubeEtcdTarget]];
  if (realEtcdOrSkip(what)) targets.push(["real etcd 3.4", realEtcdTarget]);
  return targets;
}
