// The apiserver as supervised starters, shared by `kube apiserver` and `kube server`: its
// storage (embedded SQLite, or etcd servers through the gRPC client) and then the API on the
// insecure address. Loaded lazily so `kube --help` stays fast.
import { mkdir } from "node:fs/promises";
import type { Apiserver } from "../components/apiserver/server.ts";
import type { KV } from "../storage/kv.ts";
import { storeComponent } from "./store-component.ts";
import type { Starter } from "./supervise.ts";

export interface ApiserverStackOptions {
  /** etcd client URLs; empty: embedded SQLite in `dataDir`. */
  etcdServers: string[];
  dataDir: string;
  fsync: boolean;
  bindAddress: string;
  port: number;
  serviceClusterIpRange: string;
  advertiseAddress?: string;
  log: (line: string) => void;
  /** A store opened by an earlier starter (kube server shares its SQLite store with kube etcd). */
  sharedKv?: () => KV | undefined;
}

export interface ApiserverStack {
  /** Starters for the storage (unless shared) and the apiserver. */
  starters: Starter[];
  /** The running apiserver once started. */
  apiserver(): Apiserver | undefined;
}

export function apiserverStarters(options: ApiserverStackOptions): ApiserverStack {
  let kv: KV | undefined;
  let apiserver: Apiserver | undefined;
  const openStorage: Starter = async () => {
    if (options.etcdServers.length > 0) {
      const grpc = await import("@grpc/grpc-js");
      grpc.setLogVerbosity(grpc.logVerbosity.NONE);
      const { connectEtcd } = await import("../storage/etcd/client.ts");
      kv = await connectEtcd({ endpoints: options.etcdServers });
      return storeComponent(kv, "etcd client");
    }
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    const { openSqliteKV } = await import("../storage/sqlite/sqlite-kv.ts");
    kv = await openSqliteKV({ dataDir: options.dataDir, fsync: options.fsync });
    return storeComponent(kv);
  };
  const serve: Starter = async () => {
    kv ??= options.sharedKv?.();
    if (!kv) throw new Error("the apiserver's storage must open before the apiserver starts");
    const { startApiserver } = await import("../components/apiserver/server.ts");
    apiserver = await startApiserver({
      kv,
      bindAddress: options.bindAddress,
      port: options.port,
      serviceClusterIpRange: options.serviceClusterIpRange,
      ...(options.advertiseAddress ? { advertiseAddress: options.advertiseAddress } : {}),
      log: options.log,
    });
    return apiserver;
  };
  return { starters: options.sharedKv ? [serve] : [openStorage, serve], apiserver: () => apiserver };
}
