// How the etcd client reaches its members (clientv3's dial): gRPC channel credentials from the
// --etcd-* TLS files, read retries, the server identity check, and a readable error on failure.
import { isIP } from "node:net";
import { checkServerIdentity, type PeerCertificate } from "node:tls";
import * as grpc from "@grpc/grpc-js";
import { endpointAddress, endpointHosts, endpointsUseTls, grpcTarget } from "./endpoints.ts";
import { diagnoseTls } from "./tls-diagnosis.ts";

export interface EtcdClientOptions {
  /** etcd client URLs, as --etcd-servers: `http://127.0.0.1:2379`, `https://...` or `127.0.0.1:2379`. */
  endpoints: string[];
  /** CA bundle that signed the server's certificate, as --etcd-cafile (default: the system's roots). */
  caPem?: string;
  /** Client certificate and key, as --etcd-certfile and --etcd-keyfile (etcd's --client-cert-auth). */
  certPem?: string;
  keyPem?: string;
  /** How long to wait for the first connection (default 10 s). */
  connectTimeoutMs?: number;
}

/**
 * Reads that find the server unreachable (restarting, or the connection just dropped) are retried
 * for a few seconds, as clientv3 does; writes are not, since they may have been applied.
 */
const readRetries = JSON.stringify({
  methodConfig: [
    {
      name: [
        { service: "etcdserverpb.KV", method: "Range" },
        { service: "etcdserverpb.Lease", method: "LeaseTimeToLive" },
        { service: "etcdserverpb.Lease", method: "LeaseLeases" },
        { service: "etcdserverpb.Maintenance", method: "Status" },
      ],
      retryPolicy: {
        maxAttempts: 5,
        initialBackoff: "0.2s",
        maxBackoff: "2s",
        backoffMultiplier: 2,
        retryableStatusCodes: ["UNAVAILABLE"],
      },
    },
  ],
});

/** TLS credentials when the endpoints are https:// (or TLS files were given for host:port ones). */
function channelCredentials(options: EtcdClientOptions): grpc.ChannelCredentials {
  const { caPem, certPem, keyPem } = options;
  if ((certPem === undefined) !== (keyPem === undefined)) {
    throw new Error(
      "etcd client: a client certificate needs its key and a key its certificate (--etcd-certfile, --etcd-keyfile)",
    );
  }
  const tlsGiven = caPem !== undefined || certPem !== undefined;
  if (!endpointsUseTls(options.endpoints, tlsGiven)) return grpc.credentials.createInsecure();
  const buffer = (pem: string | undefined) => (pem === undefined ? null : Buffer.from(pem));
  return grpc.credentials.createSsl(buffer(caPem), buffer(keyPem), buffer(certPem), {
    checkServerIdentity: serverIdentityCheck(endpointHosts(options.endpoints)),
  });
}

/** What a plain TLS handshake with the first endpoint says, for the error message. */
async function tlsFailure(options: EtcdClientOptions): Promise<string | undefined> {
  const first = options.endpoints.find((e) => !e.startsWith("unix:"));
  if (first === undefined) return undefined;
  const host = endpointHosts([first])[0] ?? "";
  const port = Number(endpointAddress(first).split(":").pop());
  return diagnoseTls({
    host,
    port,
    servername: isIP(host) === 0 ? host : "localhost",
    checkServerIdentity: serverIdentityCheck(endpointHosts(options.endpoints)),
    ...(options.caPem === undefined ? {} : { caPem: options.caPem }),
    ...(options.certPem === undefined ? {} : { certPem: options.certPem }),
    ...(options.keyPem === undefined ? {} : { keyPem: options.keyPem }),
  });
}

/** The server's certificate must name one of the endpoints' hosts (IP or DNS subject alt names). */
function serverIdentityCheck(
  hosts: string[],
): (servername: string, cert: PeerCertificate) => Error | undefined {
  return (_servername, cert) => {
    let failure: Error | undefined;
    for (const host of hosts) {
      failure = checkServerIdentity(host, cert);
      if (failure === undefined) return undefined;
    }
    return failure;
  };
}

/**
 * Channel options for TLS to an IP address: Bun's TLS refuses an IP as the SNI server name, which
 * grpc-js sends by default, so the name sent is "localhost" and the identity check above still
 * verifies the real address against the certificate.
 */
function tlsChannelOptions(options: EtcdClientOptions, secure: boolean): grpc.ChannelOptions {
  const hosts = endpointHosts(options.endpoints);
  return secure && hosts.some((h) => isIP(h) !== 0) ? { "grpc.ssl_target_name_override": "localhost" } : {};
}

/** A gRPC channel to the endpoints, ready; throws "etcd client: cannot reach ..." (with the TLS cause). */
export async function openEtcdChannel(options: EtcdClientOptions): Promise<grpc.Client> {
  const credentials = channelCredentials(options);
  const client = new grpc.Client(grpcTarget(options.endpoints), credentials, {
    ...tlsChannelOptions(options, credentials._isSecure()),
    "grpc.service_config": readRetries,
    "grpc.max_receive_message_length": -1,
    "grpc.keepalive_time_ms": 30_000,
    "grpc.keepalive_timeout_ms": 10_000,
  });
  const deadline = Date.now() + (options.connectTimeoutMs ?? 10_000);
  const failure = await new Promise<string | undefined>((resolve) => {
    client.waitForReady(deadline, (err) => resolve(err?.message));
  });
  if (failure !== undefined) {
    client.close();
    const why = credentials._isSecure() ? await tlsFailure(options) : undefined;
    throw new Error(
      `etcd client: cannot reach ${options.endpoints.join(", ")}: ${failure}${why ? ` (TLS: ${why})` : ""}`,
    );
  }
  return client;
}
