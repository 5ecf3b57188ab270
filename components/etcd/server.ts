// `kube etcd`: serves the etcd v3 gRPC API (KV, Watch, Lease, Maintenance, Cluster) over any
// storage KV, as one member of a one-member cluster. The caller owns the KV and closes it.
import * as grpc from "@grpc/grpc-js";
import type { Component } from "../../lib/component.ts";
import { etcdServices } from "../../storage/etcd/proto.ts";
import { defaultMaxRequestBytes } from "../../storage/etcd/rpc-errors.ts";
import type { KV } from "../../storage/kv.ts";
import { clusterService } from "./cluster-service.ts";
import { kvService } from "./kv-service.ts";
import { leaseService } from "./lease-service.ts";
import { maintenanceService } from "./maintenance-service.ts";
import { memberIdentity } from "./member-identity.ts";
import { withRequestSizes } from "./request-size.ts";
import { serviceContext } from "./service-context.ts";
import { watchService } from "./watch-service.ts";

export interface EtcdServerOptions {
  kv: KV;
  /** Where to listen, as etcd's --listen-client-urls: `http://127.0.0.1:2379`; port 0 picks a free one. */
  listenClientUrls: string[];
  /** What MemberList reports, as etcd's --advertise-client-urls; default: the bound listen URLs. */
  advertiseClientUrls?: string[];
  /** Member name, as etcd's --name ("default"). */
  name?: string;
  /** As etcd's --max-request-bytes (1.5 MiB). */
  maxRequestBytes?: number;
  /** Reported by Maintenance.Status (`etcdctl endpoint status`). */
  version?: string;
  /** Idle interval after which watches asking for progress_notify get one (etcd: 10 minutes). */
  progressNotifyIntervalMs?: number;
}

export interface EtcdServer extends Component {
  /** The URLs the server listens on, with the ports actually bound. */
  readonly urls: string[];
}

/** The etcd API version we emulate, marked as kube's so nobody mistakes it for a real etcd. */
export const etcdServerVersion = "3.4.0-kube";

/** etcd adds this much to --max-request-bytes for gRPC's own limit on received messages. */
const grpcOverheadBytes = 512 * 1024;

/** `http://host:port` to grpc-js's `host:port`; `unix://path` to `unix:path`. */
function bindAddress(url: string): { address: string; format: (port: number) => string } {
  if (url.startsWith("unix://") || url.startsWith("unix:")) {
    const path = url.replace(/^unix:(\/\/)?/, "");
    return { address: `unix:${path}`, format: () => `unix://${path}` };
  }
  const parsed = new URL(url);
  if (parsed.protocol !== "http:") {
    throw new Error(
      `etcd: cannot listen on ${url}: only http:// and unix:// client URLs are supported (no TLS)`,
    );
  }
  const port = parsed.port === "" ? "80" : parsed.port;
  return { address: `${parsed.hostname}:${port}`, format: (p) => `http://${parsed.hostname}:${p}` };
}

function bind(server: grpc.Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err) reject(new Error(`etcd: cannot listen on ${address}: ${err.message}`));
      else resolve(port);
    });
  });
}

export async function startEtcd(options: EtcdServerOptions): Promise<EtcdServer> {
  if (options.listenClientUrls.length === 0) throw new Error("etcd: no client URL to listen on");
  const maxRequestBytes = options.maxRequestBytes ?? defaultMaxRequestBytes;
  const server = new grpc.Server({
    "grpc.max_receive_message_length": maxRequestBytes + grpcOverheadBytes,
    "grpc.max_send_message_length": -1,
  });
  const urls: string[] = [];
  const streams = new Set<() => void>();
  const ctx = serviceContext({
    kv: options.kv,
    identity: memberIdentity(options.name ?? "default"),
    maxRequestBytes,
    clientUrls: () => [...(options.advertiseClientUrls ?? urls)],
    version: options.version ?? etcdServerVersion,
    progressNotifyIntervalMs: options.progressNotifyIntervalMs ?? 10 * 60 * 1000,
    track: (close) => {
      streams.add(close);
      return () => streams.delete(close);
    },
  });

  const services = etcdServices();
  server.addService(withRequestSizes(services.KV.service), kvService(ctx));
  server.addService(withRequestSizes(services.Watch.service), watchService(ctx));
  server.addService(withRequestSizes(services.Lease.service), leaseService(ctx));
  server.addService(withRequestSizes(services.Maintenance.service), maintenanceService(ctx));
  server.addService(withRequestSizes(services.Cluster.service), clusterService(ctx));

  try {
    for (const url of options.listenClientUrls) {
      const { address, format } = bindAddress(url);
      urls.push(format(await bind(server, address)));
    }
  } catch (err) {
    server.forceShutdown();
    throw err;
  }

  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      // Long-lived streams (watches, keep-alives) would hold a graceful shutdown open forever.
      for (const close of [...streams]) close();
      const force = setTimeout(() => server.forceShutdown(), 2000);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    }).then(resolveDone);
    return stopping;
  };

  return { name: "etcd", urls, ready: Promise.resolve(), done, stop };
}
