// The storage contract (storage/kv.ts) over the etcd v3 gRPC API: how the apiserver talks to a
// real etcd or to `kube etcd` given --etcd-servers. Errors come back as storage/errors.ts classes.
import { isIP } from "node:net";
import { checkServerIdentity, type PeerCertificate } from "node:tls";
import * as grpc from "@grpc/grpc-js";
import { CompactedError, LeaseExistsError, StoreClosedError } from "../errors.ts";
import type {
  Compare,
  DeleteResult,
  KeyRange,
  KV,
  LeaseGrant,
  LeaseInfo,
  PutOptions,
  PutResult,
  RangeOptions,
  RangeResult,
  StoreStatus,
  TxnOp,
  TxnResult,
  Watch,
  WatchOptions,
} from "../kv.ts";
import { ClientWatch } from "./client-watch.ts";
import {
  compareToWire,
  keyValueFromWire,
  rangeEndToWire,
  rangeRequestToWire,
  rangeResultFromWire,
  requestOpToWire,
  txnResultFromWire,
} from "./convert.ts";
import { endpointAddress, endpointHosts, endpointsUseTls, grpcTarget } from "./endpoints.ts";
import { type ErrorContext, errorKind, toStorageError } from "./grpc-errors.ts";
import { LeaseIds } from "./lease-ids.ts";
import { etcdServices } from "./proto.ts";
import { rpcErrors } from "./rpc-errors.ts";
import { diagnoseTls } from "./tls-diagnosis.ts";
import {
  num,
  plainBytes,
  type WireDeleteRangeResponse,
  type WireLeaseGrantResponse,
  type WireLeaseKeepAliveResponse,
  type WireLeaseLeasesResponse,
  type WireLeaseTimeToLiveResponse,
  type WirePutResponse,
  type WireRangeResponse,
  type WireStatusResponse,
  type WireTxnResponse,
  type WireWatchRequest,
  type WireWatchResponse,
} from "./wire.ts";

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

export async function connectEtcd(options: EtcdClientOptions): Promise<KV> {
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
  return new EtcdKV(client);
}

const services = etcdServices();

function method(service: keyof typeof services, name: string): grpc.MethodDefinition<object, object> {
  const definition = services[service].service[name];
  if (!definition) throw new Error(`etcd proto: method ${service}.${name} is missing`);
  return definition;
}

/** A KV served by an etcd (or `kube etcd`) member over gRPC. */
export class EtcdKV implements KV {
  private readonly leaseIds = new LeaseIds();
  private readonly watches = new Set<Watch>();
  private closed = false;
  /** The highest store revision any response has shown this client (see ClientWatch). */
  private seenRevision = 0;
  /** The compacted revision last found (see compactRevision). */
  private knownCompactRevision = 0;

  constructor(private readonly client: grpc.Client) {}

  private unary<Res>(
    service: keyof typeof services,
    name: string,
    request: object,
    context: ErrorContext = {},
  ): Promise<Res> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    const definition = method(service, name);
    return new Promise<Res>((resolve, reject) => {
      this.client.makeUnaryRequest(
        definition.path,
        definition.requestSerialize,
        definition.responseDeserialize,
        request,
        (err, response) => {
          if (err) {
            this.translate(err, context).then(reject, reject);
            return;
          }
          const revision = num(
            (response as { header?: { revision?: string } } | undefined)?.header?.revision,
          );
          if (revision > this.seenRevision) this.seenRevision = revision;
          resolve(response as Res);
        },
      );
    });
  }

  /** Fills in the revisions a compacted or future-revision error names, then converts it. */
  private async translate(err: unknown, context: ErrorContext): Promise<Error> {
    const kind = errorKind(err);
    try {
      if (kind === "compacted" && context.compactRevision === undefined) {
        context.compactRevision = await this.compactRevision();
      }
      if (kind === "future" && context.currentRevision === undefined) {
        context.currentRevision = (await this.range({ key: Uint8Array.of(0) }, { countOnly: true })).revision;
      }
    } catch {
      // The error itself is what matters; leave the revisions unknown.
    }
    return toStorageError(err, context);
  }

  async range(range: KeyRange, options: RangeOptions = {}): Promise<RangeResult> {
    const res = await this.unary<WireRangeResponse>("KV", "Range", rangeRequestToWire(range, options), {
      revision: options.revision,
    });
    return rangeResultFromWire(res, this.leaseIds);
  }

  async put(key: Uint8Array, value: Uint8Array, options: PutOptions = {}): Promise<PutResult> {
    const lease = options.lease ?? 0;
    const res = await this.unary<WirePutResponse>(
      "KV",
      "Put",
      {
        key,
        value,
        lease: lease === 0 ? 0 : this.leaseIds.toWire(lease),
        prev_kv: options.prevKv === true,
        ignore_value: options.ignoreValue === true,
        ignore_lease: options.ignoreLease === true,
      },
      { lease, size: key.length + value.length },
    );
    return {
      revision: num(res.header?.revision),
      ...(res.prev_kv ? { prevKv: keyValueFromWire(res.prev_kv, this.leaseIds) } : {}),
    };
  }

  async delete(range: KeyRange, options: { prevKv?: boolean } = {}): Promise<DeleteResult> {
    const res = await this.unary<WireDeleteRangeResponse>("KV", "DeleteRange", {
      key: range.key,
      ...rangeEndToWire(range.end),
      prev_kv: options.prevKv === true,
    });
    return {
      revision: num(res.header?.revision),
      deleted: num(res.deleted),
      prevKvs: (res.prev_kvs ?? []).map((kv) => keyValueFromWire(kv, this.leaseIds)),
    };
  }

  async txn(compare: Compare[], success: TxnOp[], failure: TxnOp[]): Promise<TxnResult> {
    const request = {
      compare: compare.map((c) => compareToWire(c, this.leaseIds)),
      success: success.map((op) => requestOpToWire(op, this.leaseIds)),
      failure: failure.map((op) => requestOpToWire(op, this.leaseIds)),
    };
    const res = await this.unary<WireTxnResponse>("KV", "Txn", request, {
      lease: firstLease([...success, ...failure]),
    });
    return txnResultFromWire(res, this.leaseIds);
  }

  watch(range: KeyRange, options: WatchOptions = {}): Watch {
    if (this.closed) throw new StoreClosedError();
    const definition = method("Watch", "Watch");
    const open = () =>
      this.client.makeBidiStreamRequest(
        definition.path,
        definition.requestSerialize,
        definition.responseDeserialize,
      ) as grpc.ClientDuplexStream<WireWatchRequest, WireWatchResponse>;
    const from = this.seenRevision > 0 ? this.seenRevision + 1 : 0;
    const watch: ClientWatch = new ClientWatch(
      open,
      range,
      options,
      this.leaseIds,
      () => this.watches.delete(watch),
      from,
    );
    this.watches.add(watch);
    return watch;
  }

  async compact(revision: number): Promise<void> {
    await this.unary("KV", "Compact", { revision, physical: false }, { revision });
  }

  async leaseGrant(ttl: number, id?: number): Promise<LeaseGrant> {
    // Pick the ID ourselves (etcd honours a requested ID) so it stays below 2^53.
    for (let attempt = 0; ; attempt++) {
      const wanted = id ?? LeaseIds.random();
      try {
        const res = await this.unary<WireLeaseGrantResponse>(
          "Lease",
          "LeaseGrant",
          { TTL: ttl, ID: this.leaseIds.toWire(wanted) },
          { lease: wanted },
        );
        if (res.error)
          throw toStorageError(serviceError(grpc.status.FAILED_PRECONDITION, res.error), { lease: wanted });
        return { id: this.leaseIds.fromWire(res.ID), ttl: num(res.TTL) };
      } catch (err) {
        if (id !== undefined || !(err instanceof LeaseExistsError) || attempt >= 3) throw err;
      }
    }
  }

  async leaseRevoke(id: number): Promise<void> {
    await this.unary("Lease", "LeaseRevoke", { ID: this.leaseIds.toWire(id) }, { lease: id });
  }

  async leaseKeepAlive(id: number): Promise<number> {
    if (this.closed) throw new StoreClosedError();
    const definition = method("Lease", "LeaseKeepAlive");
    const call = this.client.makeBidiStreamRequest(
      definition.path,
      definition.requestSerialize,
      definition.responseDeserialize,
    ) as grpc.ClientDuplexStream<{ ID: string | number }, WireLeaseKeepAliveResponse>;
    try {
      const res = await new Promise<WireLeaseKeepAliveResponse>((resolve, reject) => {
        call.once("data", resolve);
        call.once("error", (err: Error) => reject(toStorageError(err, { lease: id })));
        call.once("end", () =>
          reject(new Error("etcd client: the keep-alive stream ended without an answer")),
        );
        call.write({ ID: this.leaseIds.toWire(id) });
      });
      const ttl = num(res.TTL);
      // etcd answers a renewal of an unknown or expired lease with TTL 0.
      if (ttl <= 0)
        throw toStorageError(serviceError(grpc.status.NOT_FOUND, rpcErrors.leaseNotFound.message), {
          lease: id,
        });
      return ttl;
    } finally {
      call.removeAllListeners("error");
      call.on("error", () => {});
      call.cancel();
    }
  }

  async leaseTimeToLive(id: number, withKeys = false): Promise<LeaseInfo> {
    const res = await this.unary<WireLeaseTimeToLiveResponse>(
      "Lease",
      "LeaseTimeToLive",
      { ID: this.leaseIds.toWire(id), keys: withKeys },
      { lease: id },
    );
    return {
      id,
      ttl: num(res.TTL),
      grantedTtl: num(res.grantedTTL),
      keys: (res.keys ?? []).map(plainBytes),
    };
  }

  async leases(): Promise<number[]> {
    const res = await this.unary<WireLeaseLeasesResponse>("Lease", "LeaseLeases", {});
    return (res.leases ?? []).map((l) => this.leaseIds.fromWire(l.ID));
  }

  async status(): Promise<StoreStatus> {
    const res = await this.unary<WireStatusResponse>("Maintenance", "Status", {});
    const revision = num(res.header?.revision);
    return {
      revision,
      compactRevision: await this.compactRevision(revision),
      dbSize: num(res.dbSize),
      dbSizeInUse: num(res.dbSizeInUse),
    };
  }

  /**
   * The compacted revision, which etcd reports only in error cases: the lowest revision a range
   * can still read, found by binary search over point reads (each is cheap for the server).
   * 0 when nothing was compacted.
   */
  private async compactRevision(current?: number): Promise<number> {
    const probe = Uint8Array.of(0);
    const readable = async (revision: number) => {
      try {
        await this.unary("KV", "Range", { key: probe, revision, count_only: true }, { compactRevision: 0 });
        return true;
      } catch (err) {
        if (err instanceof CompactedError) return false;
        throw err;
      }
    };
    // Compaction only moves forward: if the last answer is still readable, it is still the answer.
    const known = this.knownCompactRevision;
    if (known > 0 && (await readable(known))) return known;
    let high = current ?? (await this.range({ key: probe }, { countOnly: true })).revision;
    if (known === 0 && (high <= 1 || (await readable(1)))) return 0;
    let low = Math.max(known, 1); // unreadable
    high = Math.max(high, low + 1);
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (await readable(mid)) high = mid;
      else low = mid;
    }
    this.knownCompactRevision = high;
    return high;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    for (const watch of [...this.watches]) watch.close();
    this.closed = true;
    this.client.close();
  }
}

function firstLease(ops: TxnOp[]): number | undefined {
  for (const op of ops) {
    if (op.type === "put" && op.options?.lease) return op.options.lease;
    if (op.type === "txn") {
      const inner = firstLease([...op.success, ...op.failure]);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

/** A gRPC error as the server would have sent it, for answers etcd encodes in the response. */
function serviceError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}
