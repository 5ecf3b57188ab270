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
import { withEncodedWatchResponses } from "./watch-encoding.ts";
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
  /** Events a watch fed by a shared store watch may have waiting for its stream (default 10k). */
  maxWatchBacklog?: number;
  /** Serving certificate and key for https:// client URLs, as etcd's --cert-file and --key-file. */
  tls?: EtcdServerTls;
}

export interface EtcdServerTls {
  certPem: string;
  keyPem: string;
  /** CA bundle for client certificates, as --trusted-ca-file. */
  trustedCaPem?: string;
  /** Refuse clients without a certificate signed by `trustedCaPem`, as --client-cert-auth. */
  clientCertAuth?: boolean;
}

export interface EtcdServer extends Component {
  /** The URLs the server listens on, with the ports actually bound. */
  readonly urls: string[];
}

/** The etcd API version we emulate, marked as kube's so nobody mistakes it for a real etcd. */
export const etcdServerVersion = "3.4.0-kube";

/** etcd adds this much to --max-request-bytes for gRPC's own limit on received messages. */
const grpcOverheadBytes = 512 * 1024;

/** A listen URL: grpc-js's address, whether it is https, and the URL for a bound port. */
function bindAddress(url: string): { address: string; tls: boolean; format: (port: number) => string } {
  if (url.startsWith("unix://") || url.startsWith("unix:")) {
    const path = url.replace(/^unix:(\/\/)?/, "");
    return { address: `unix:${path}`, tls: false, format: () => `unix://${path}` };
  }
  const parsed = new URL(url);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new Error(
      `etcd: cannot listen on ${url}: only http://, https:// and unix:// client URLs are supported`,
    );
  }
  const scheme = parsed.protocol.slice(0, -1);
  // URL drops a scheme's default port: http://h:80 and https://h:443 have port "".
  const port = parsed.port === "" ? (scheme === "https" ? "443" : "80") : parsed.port;
  return {
    address: `${parsed.hostname}:${port}`,
    tls: scheme === "https",
    format: (p) => `${scheme}://${parsed.hostname}:${p}`,
  };
}

/** etcd's checks of the TLS flags against the URLs (server/embed/etcd.go), then the credentials. */
function credentials(url: string, wantsTls: boolean, tls: EtcdServerTls | undefined): grpc.ServerCredentials {
  if (!wantsTls) return grpc.ServerCredentials.createInsecure();
  if (tls === undefined) {
    throw new Error(
      `etcd: TLS key/cert (--cert-file, --key-file) must be provided for client url ${url} with HTTPS scheme`,
    );
  }
  if (tls.clientCertAuth && tls.trustedCaPem === undefined) {
    throw new Error(
      "etcd: --client-cert-auth needs --trusted-ca-file, the CA that signs client certificates",
    );
  }
  return grpc.ServerCredentials.createSsl(
    tls.trustedCaPem === undefined ? null : Buffer.from(tls.trustedCaPem),
    [{ cert_chain: Buffer.from(tls.certPem), private_key: Buffer.from(tls.keyPem) }],
    tls.clientCertAuth === true,
  );
}

function bind(server: grpc.Server, address: string, creds: grpc.ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, creds, (err, port) => {
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
  server.addService(
    withEncodedWatchResponses(withRequestSizes(services.Watch.service)),
    watchService(ctx, options.maxWatchBacklog),
  );
  server.addService(withRequestSizes(services.Lease.service), leaseService(ctx));
  server.addService(withRequestSizes(services.Maintenance.service), maintenanceService(ctx));
  server.addService(withRequestSizes(services.Cluster.service), clusterService(ctx));

  try {
    for (const url of options.listenClientUrls) {
      const { address, tls, format } = bindAddress(url);
      urls.push(format(await bind(server, address, credentials(url, tls, options.tls))));
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
