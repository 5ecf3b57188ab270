// etcdserverpb.KV over a storage KV: Range, Put, DeleteRange, Txn, Compact, with etcd's request
// checks and range filters (etcd-io/etcd server/etcdserver/api/v3rpc/key.go and apply.go).
import type * as grpc from "@grpc/grpc-js";
import {
  compareFromWire,
  endFromWire,
  keyValueToWire,
  rangeRequestFromWire,
  rangeResultToWire,
  requestOpFromWire,
  txnResultToWire,
} from "../../storage/etcd/convert.ts";
import { maxTxnOps } from "../../storage/etcd/rpc-errors.ts";
import {
  num,
  plainBytes,
  type WireCompactionRequest,
  type WireDeleteRangeRequest,
  type WireDeleteRangeResponse,
  type WirePutRequest,
  type WirePutResponse,
  type WireRangeRequest,
  type WireRangeResponse,
  type WireTxnRequest,
  type WireTxnResponse,
} from "../../storage/etcd/wire.ts";
import type { KeyValue, RangeResult } from "../../storage/kv.ts";
import { checkKey, checkPut, checkSize, checkTxn } from "./request-checks.ts";
import { requestSize } from "./request-size.ts";
import type { ServiceContext } from "./service-context.ts";
import { unary } from "./unary.ts";

/** etcd's min/max mod/create revision filters, which the storage contract leaves to the caller. */
function revisionFilter(req: WireRangeRequest): ((kv: KeyValue) => boolean) | undefined {
  const minMod = num(req.min_mod_revision);
  const maxMod = num(req.max_mod_revision);
  const minCreate = num(req.min_create_revision);
  const maxCreate = num(req.max_create_revision);
  if (minMod === 0 && maxMod === 0 && minCreate === 0 && maxCreate === 0) return undefined;
  return (kv) =>
    (minMod === 0 || kv.modRevision >= minMod) &&
    (maxMod === 0 || kv.modRevision <= maxMod) &&
    (minCreate === 0 || kv.createRevision >= minCreate) &&
    (maxCreate === 0 || kv.createRevision <= maxCreate);
}

async function range(ctx: ServiceContext, req: WireRangeRequest): Promise<RangeResult> {
  checkKey(req.key);
  const { range, options } = rangeRequestFromWire(req);
  const filter = revisionFilter(req);
  if (!filter || options.countOnly) return ctx.kv.range(range, options);
  const limit = options.limit ?? 0;
  const all = await ctx.kv.range(range, { ...options, limit: 0 });
  const kvs = all.kvs.filter(filter);
  return { ...all, kvs: limit > 0 ? kvs.slice(0, limit) : kvs, more: limit > 0 && kvs.length > limit };
}

export function kvService(ctx: ServiceContext): grpc.UntypedServiceImplementation {
  const nested = (revision: number) => ({ revision });
  return {
    Range: unary<WireRangeRequest, WireRangeResponse>(async (req) => {
      const result = await range(ctx, req);
      return rangeResultToWire(result, ctx.header(result.revision));
    }),

    Put: unary<WirePutRequest, WirePutResponse>(async (req) => {
      checkPut(req);
      checkSize(requestSize(req), ctx.maxRequestBytes);
      const lease = num(req.lease);
      const result = await ctx.kv.put(plainBytes(req.key), plainBytes(req.value), {
        ...(lease !== 0 ? { lease } : {}),
        prevKv: req.prev_kv === true,
        ignoreValue: req.ignore_value === true,
        ignoreLease: req.ignore_lease === true,
      });
      return {
        header: ctx.header(result.revision),
        ...(result.prevKv ? { prev_kv: keyValueToWire(result.prevKv) } : {}),
      };
    }),

    DeleteRange: unary<WireDeleteRangeRequest, WireDeleteRangeResponse>(async (req) => {
      checkKey(req.key);
      checkSize(requestSize(req), ctx.maxRequestBytes);
      const result = await ctx.kv.delete(
        { key: plainBytes(req.key), end: endFromWire(req.range_end) },
        { prevKv: req.prev_kv === true },
      );
      return {
        header: ctx.header(result.revision),
        deleted: result.deleted,
        prev_kvs: result.prevKvs.map((kv) => keyValueToWire(kv)),
      };
    }),

    Txn: unary<WireTxnRequest, WireTxnResponse>(async (req) => {
      checkTxn(req, maxTxnOps);
      checkSize(requestSize(req), ctx.maxRequestBytes);
      const result = await ctx.kv.txn(
        (req.compare ?? []).map((c) => compareFromWire(c)),
        (req.success ?? []).map((op) => requestOpFromWire(op)),
        (req.failure ?? []).map((op) => requestOpFromWire(op)),
      );
      return txnResultToWire(result, ctx.header(result.revision), nested);
    }),

    Compact: unary<WireCompactionRequest, { header: ReturnType<ServiceContext["header"]> }>(async (req) => {
      await ctx.kv.compact(num(req.revision));
      return { header: await ctx.currentHeader() };
    }),
  };
}
