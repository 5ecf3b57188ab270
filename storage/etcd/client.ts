// The storage contract (storage/kv.ts) over the etcd v3 gRPC API: how the apiserver talks to a
// real etcd or to `kube etcd` given --etcd-servers. Errors come back as storage/errors.ts classes.
import type { Client } from "@grpc/grpc-js";
import { CompactedError, StoreClosedError } from "../errors.ts";
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
import { type EtcdClientOptions, openEtcdChannel } from "./client-connection.ts";
import { EtcdLeases } from "./client-leases.ts";
import { EtcdRpc } from "./client-rpc.ts";
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
import { type ErrorContext, errorKind, toStorageError } from "./grpc-errors.ts";
import { LeaseIds } from "./lease-ids.ts";
import {
  num,
  type WireDeleteRangeResponse,
  type WirePutResponse,
  type WireRangeResponse,
  type WireStatusResponse,
  type WireTxnResponse,
  type WireWatchRequest,
  type WireWatchResponse,
} from "./wire.ts";

/** Connects to the etcd members of `options.endpoints` (see client-connection.ts for TLS). */
export async function connectEtcd(options: EtcdClientOptions): Promise<KV> {
  const client = await openEtcdChannel(options);
  return new EtcdKV(client);
}

/** A KV served by an etcd (or `kube etcd`) member over gRPC. */
export class EtcdKV implements KV {
  private readonly leaseIds = new LeaseIds();
  private readonly watches = new Set<Watch>();
  private readonly rpc: EtcdRpc;
  private readonly leaseCalls: EtcdLeases;
  /** The compacted revision last found (see compactRevision). */
  private knownCompactRevision = 0;

  constructor(client: Client) {
    this.rpc = new EtcdRpc(client, (err, context) => this.translate(err, context));
    this.leaseCalls = new EtcdLeases(this.rpc, this.leaseIds);
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
    const res = await this.rpc.unary<WireRangeResponse>("KV", "Range", rangeRequestToWire(range, options), {
      revision: options.revision,
    });
    return rangeResultFromWire(res, this.leaseIds);
  }

  async put(key: Uint8Array, value: Uint8Array, options: PutOptions = {}): Promise<PutResult> {
    const lease = options.lease ?? 0;
    const res = await this.rpc.unary<WirePutResponse>(
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
    const res = await this.rpc.unary<WireDeleteRangeResponse>("KV", "DeleteRange", {
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
    const res = await this.rpc.unary<WireTxnResponse>("KV", "Txn", request, {
      lease: firstLease([...success, ...failure]),
    });
    return txnResultFromWire(res, this.leaseIds);
  }

  watch(range: KeyRange, options: WatchOptions = {}): Watch {
    if (this.rpc.closed) throw new StoreClosedError();
    const open = () => this.rpc.bidi<WireWatchRequest, WireWatchResponse>("Watch", "Watch");
    const seen = this.rpc.seenRevision;
    const from = seen > 0 ? seen + 1 : 0;
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
    await this.rpc.unary("KV", "Compact", { revision, physical: false }, { revision });
  }

  leaseGrant(ttl: number, id?: number): Promise<LeaseGrant> {
    return this.leaseCalls.grant(ttl, id);
  }

  leaseRevoke(id: number): Promise<void> {
    return this.leaseCalls.revoke(id);
  }

  leaseKeepAlive(id: number): Promise<number> {
    return this.leaseCalls.keepAlive(id);
  }

  leaseTimeToLive(id: number, withKeys = false): Promise<LeaseInfo> {
    return this.leaseCalls.timeToLive(id, withKeys);
  }

  leases(): Promise<number[]> {
    return this.leaseCalls.list();
  }

  async status(): Promise<StoreStatus> {
    const res = await this.rpc.unary<WireStatusResponse>("Maintenance", "Status", {});
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
        await this.rpc.unary(
          "KV",
          "Range",
          { key: probe, revision, count_only: true },
          { compactRevision: 0 },
        );
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
    if (this.rpc.closed) return;
    for (const watch of [...this.watches]) watch.close();
    this.rpc.close();
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
