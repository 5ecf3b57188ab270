// The store and its etcd v3 front as two supervised starters, shared by `kube etcd` and
// `kube server`: the SQLite KV opens first and closes last, after the gRPC server stopped.
// Storage and gRPC load lazily so `kube --help` and `kube version` stay fast.

import { mkdir } from "node:fs/promises";
import type { KV } from "../storage/kv.ts";
import { startLazyEtcdFront } from "./lazy-etcd-front.ts";
import { storeComponent } from "./store-component.ts";
import type { Starter } from "./supervise.ts";

export interface EtcdStackOptions {
  /** Directory of the SQLite database; created (mode 0700) if missing. */
  dataDir: string;
  /** fsync every commit (power-loss durability) instead of surviving process crashes only. */
  fsync: boolean;
  listenClientUrls: string[];
  /** Member name reported by the Cluster and Maintenance APIs. */
  name?: string;
  maxRequestBytes?: number;
  /** Bind the client URLs now but load gRPC at the first client (kube server: nothing inside needs it). */
  lazyFront?: boolean;
  /** Serving TLS for https:// client URLs; a function when it is known only later (kube server's PKI). */
  tls?: EtcdTlsFiles | (() => EtcdTlsFiles | undefined);
}

/** etcd's client TLS flags with the files' contents. */
export interface EtcdTlsFiles {
  /** For log lines. */
  certFile: string;
  certPem: string;
  keyPem: string;
  trustedCaPem?: string;
  clientCertAuth: boolean;
}

export interface EtcdStack {
  /** [store, front]: the store first (it closes last). */
  starters: Starter[];
  /** The two starters by name, for a caller that puts other components between them. */
  store: Starter;
  front: Starter;
  /** The URLs actually served (port 0 resolved); empty until the etcd front is ready. */
  urls(): string[];
  /** The store, once its starter ran (kube server hands it to the apiserver too). */
  kv(): KV | undefined;
}

export function etcdStarters(options: EtcdStackOptions): EtcdStack {
  let kv: KV | undefined;
  let urls: string[] = [];
  const openStore: Starter = async () => {
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    const { openSqliteKV } = await import("../storage/sqlite/sqlite-kv.ts");
    kv = await openSqliteKV({ dataDir: options.dataDir, fsync: options.fsync });
    return storeComponent(kv);
  };
  const startFront = async (listenClientUrls: string[], advertiseClientUrls?: string[]) => {
    if (kv === undefined) throw new Error("the store must open before the etcd server starts");
    // grpc-js prints its own copy of errors kube already reports in one line (e.g. a port in use).
    const grpc = await import("@grpc/grpc-js");
    grpc.setLogVerbosity(grpc.logVerbosity.NONE);
    const { startEtcd } = await import("../components/etcd/server.ts");
    const tls = typeof options.tls === "function" ? options.tls() : options.tls;
    return startEtcd({
      kv,
      listenClientUrls,
      ...(advertiseClientUrls === undefined ? {} : { advertiseClientUrls }),
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.maxRequestBytes === undefined ? {} : { maxRequestBytes: options.maxRequestBytes }),
      ...(tls === undefined ? {} : { tls }),
    });
  };
  const serveEtcd: Starter = async () => {
    if (kv === undefined) throw new Error("the store must open before the etcd server starts");
    if (options.lazyFront) {
      const tls = typeof options.tls === "function" ? options.tls() : options.tls;
      const https = options.listenClientUrls.find((url) => url.startsWith("https:"));
      if (https && tls === undefined)
        throw new Error(
          `etcd: TLS key/cert (--cert-file, --key-file) must be provided for client url ${https} with HTTPS scheme`,
        );
      const front = await startLazyEtcdFront(options.listenClientUrls, startFront);
      urls = front.urls;
      return front;
    }
    const etcd = await startFront(options.listenClientUrls);
    etcd.ready.then(
      () => {
        urls = etcd.urls;
      },
      () => {},
    );
    return etcd;
  };
  return {
    starters: [openStore, serveEtcd],
    store: openStore,
    front: serveEtcd,
    urls: () => urls,
    kv: () => kv,
  };
}
