// Conversions between the storage contract (storage/kv.ts) and etcd's wire messages (wire.ts),
// used in both directions by the gRPC server (components/etcd) and the gRPC client (client.ts).
import type {
  Compare,
  CompareResult,
  CompareTarget,
  KeyRange,
  KeyValue,
  RangeOptions,
  RangeResult,
  SortOrder,
  SortTarget,
  TxnOp,
  TxnOpResult,
  TxnResult,
} from "../kv.ts";
import {
  type Int64,
  num,
  plainBytes,
  type WireCompare,
  type WireCompareResult,
  type WireCompareTarget,
  type WireHeader,
  type WireKeyValue,
  type WireRangeRequest,
  type WireRangeResponse,
  type WireRequestOp,
  type WireResponseOp,
  type WireSortOrder,
  type WireSortTarget,
  type WireTxnResponse,
} from "./wire.ts";

/** How lease IDs cross the wire: the server uses plain numbers, the client keeps 64-bit IDs exact. */
export interface LeaseIdCodec {
  fromWire(id: Int64 | undefined | null): number;
  toWire(id: number): Int64;
}

export const plainLeaseIds: LeaseIdCodec = {
  fromWire: (id) => num(id),
  toWire: (id) => id,
};

/** Builds the header of a nested (txn) response: etcd fills in only the revision there. */
export type HeaderFor = (revision: number) => Partial<WireHeader>;

const sortOrders: Record<WireSortOrder, SortOrder> = { NONE: "none", ASCEND: "ascend", DESCEND: "descend" };
const sortTargets: Record<WireSortTarget, SortTarget> = {
  KEY: "key",
  VERSION: "version",
  CREATE: "create",
  MOD: "mod",
  VALUE: "value",
};
const compareResults: Record<WireCompareResult, CompareResult> = {
  EQUAL: "=",
  NOT_EQUAL: "!=",
  LESS: "<",
  GREATER: ">",
};
const compareTargets: Record<WireCompareTarget, CompareTarget> = {
  VERSION: "version",
  CREATE: "create",
  MOD: "mod",
  VALUE: "value",
  LEASE: "lease",
};

function invert<K extends string, V extends string>(table: Record<K, V>): Record<V, K> {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [v, k])) as Record<V, K>;
}

const wireSortOrders = invert(sortOrders);
const wireSortTargets = invert(sortTargets);
const wireCompareResults = invert(compareResults);
const wireCompareTargets = invert(compareTargets);

export function keyValueToWire(kv: KeyValue, leases: LeaseIdCodec = plainLeaseIds): WireKeyValue {
  return {
    key: kv.key,
    create_revision: kv.createRevision,
    mod_revision: kv.modRevision,
    version: kv.version,
    value: kv.value,
    lease: kv.lease === 0 ? 0 : leases.toWire(kv.lease),
  };
}

export function keyValueFromWire(kv: WireKeyValue, leases: LeaseIdCodec = plainLeaseIds): KeyValue {
  return {
    key: plainBytes(kv.key),
    value: plainBytes(kv.value),
    createRevision: num(kv.create_revision),
    modRevision: num(kv.mod_revision),
    version: num(kv.version),
    lease: leases.fromWire(kv.lease),
  };
}

/**
 * A range end for the wire: left out for a single key. etcd reads an empty range_end that is
 * present on the wire as "every key from `key` on" (Go decodes it to a non-nil empty slice),
 * so an empty one must never be sent.
 */
export function rangeEndToWire(end: Uint8Array | undefined): { range_end?: Uint8Array } {
  return end && end.length > 0 ? { range_end: end } : {};
}

/** A range end from the wire: absent when empty (a single key). */
export function endFromWire(end: Uint8Array | undefined | null): Uint8Array | undefined {
  return end && end.length > 0 ? plainBytes(end) : undefined;
}

export function rangeRequestFromWire(req: WireRangeRequest): { range: KeyRange; options: RangeOptions } {
  return {
    range: { key: plainBytes(req.key), end: endFromWire(req.range_end) },
    options: {
      limit: num(req.limit),
      revision: num(req.revision),
      keysOnly: req.keys_only === true,
      countOnly: req.count_only === true,
      sortOrder: sortOrders[req.sort_order ?? "NONE"],
      sortTarget: sortTargets[req.sort_target ?? "KEY"],
    },
  };
}

export function rangeRequestToWire(range: KeyRange, options: RangeOptions = {}): WireRangeRequest {
  return {
    key: range.key,
    ...rangeEndToWire(range.end),
    limit: options.limit ?? 0,
    revision: options.revision ?? 0,
    keys_only: options.keysOnly === true,
    count_only: options.countOnly === true,
    sort_order: wireSortOrders[options.sortOrder ?? "none"],
    sort_target: wireSortTargets[options.sortTarget ?? "key"],
  };
}

export function rangeResultToWire(result: RangeResult, header: Partial<WireHeader>): WireRangeResponse {
  return {
    header: header as WireHeader,
    kvs: result.kvs.map((kv) => keyValueToWire(kv)),
    more: result.more,
    count: result.count,
  };
}

export function rangeResultFromWire(res: WireRangeResponse, leases: LeaseIdCodec): RangeResult {
  return {
    kvs: res.kvs.map((kv) => keyValueFromWire(kv, leases)),
    more: res.more === true,
    count: num(res.count),
    revision: num(res.header?.revision),
  };
}

export function compareFromWire(c: WireCompare, leases: LeaseIdCodec = plainLeaseIds): Compare {
  const target = compareTargets[c.target];
  let value: number | Uint8Array;
  switch (target) {
    case "value":
      value = plainBytes(c.value);
      break;
    case "version":
      value = num(c.version);
      break;
    case "create":
      value = num(c.create_revision);
      break;
    case "mod":
      value = num(c.mod_revision);
      break;
    case "lease":
      value = leases.fromWire(c.lease);
      break;
  }
  return {
    key: plainBytes(c.key),
    end: endFromWire(c.range_end),
    target,
    result: compareResults[c.result],
    value,
  };
}

export function compareToWire(c: Compare, leases: LeaseIdCodec = plainLeaseIds): WireCompare {
  const wire: WireCompare = {
    key: c.key,
    ...rangeEndToWire(c.end),
    target: wireCompareTargets[c.target],
    result: wireCompareResults[c.result],
  };
  const n = typeof c.value === "number" ? c.value : 0;
  switch (c.target) {
    case "value":
      wire.value = typeof c.value === "number" ? new Uint8Array(0) : c.value;
      break;
    case "version":
      wire.version = n;
      break;
    case "create":
      wire.create_revision = n;
      break;
    case "mod":
      wire.mod_revision = n;
      break;
    case "lease":
      wire.lease = n === 0 ? 0 : leases.toWire(n);
      break;
  }
  return wire;
}

export function requestOpFromWire(op: WireRequestOp, leases: LeaseIdCodec = plainLeaseIds): TxnOp {
  if (op.request_put) {
    const put = op.request_put;
    const lease = leases.fromWire(put.lease);
    return {
      type: "put",
      key: plainBytes(put.key),
      value: plainBytes(put.value),
      options: {
        ...(lease !== 0 ? { lease } : {}),
        prevKv: put.prev_kv === true,
        ignoreValue: put.ignore_value === true,
        ignoreLease: put.ignore_lease === true,
      },
    };
  }
  if (op.request_delete_range) {
    const del = op.request_delete_range;
    return {
      type: "delete",
      key: plainBytes(del.key),
      end: endFromWire(del.range_end),
      prevKv: del.prev_kv === true,
    };
  }
  if (op.request_txn) {
    const txn = op.request_txn;
    return {
      type: "txn",
      compare: (txn.compare ?? []).map((c) => compareFromWire(c, leases)),
      success: (txn.success ?? []).map((o) => requestOpFromWire(o, leases)),
      failure: (txn.failure ?? []).map((o) => requestOpFromWire(o, leases)),
    };
  }
  const range = rangeRequestFromWire(op.request_range ?? { key: new Uint8Array(0) });
  return { type: "range", ...range.range, options: range.options };
}

export function requestOpToWire(op: TxnOp, leases: LeaseIdCodec = plainLeaseIds): WireRequestOp {
  switch (op.type) {
    case "range":
      return { request_range: rangeRequestToWire(op, op.options) };
    case "put": {
      const lease = op.options?.lease ?? 0;
      return {
        request_put: {
          key: op.key,
          value: op.value,
          lease: lease === 0 ? 0 : leases.toWire(lease),
          prev_kv: op.options?.prevKv === true,
          ignore_value: op.options?.ignoreValue === true,
          ignore_lease: op.options?.ignoreLease === true,
        },
      };
    }
    case "delete":
      return {
        request_delete_range: {
          key: op.key,
          ...rangeEndToWire(op.end),
          prev_kv: op.prevKv === true,
        },
      };
    case "txn":
      return {
        request_txn: {
          compare: op.compare.map((c) => compareToWire(c, leases)),
          success: op.success.map((o) => requestOpToWire(o, leases)),
          failure: op.failure.map((o) => requestOpToWire(o, leases)),
        },
      };
  }
}

export function txnResultToWire(
  result: TxnResult,
  header: Partial<WireHeader>,
  nested: HeaderFor,
): WireTxnResponse {
  return {
    header: header as WireHeader,
    succeeded: result.succeeded,
    responses: result.results.map((r) => responseOpToWire(r, nested)),
  };
}

function responseOpToWire(r: TxnOpResult, nested: HeaderFor): WireResponseOp {
  switch (r.type) {
    case "range":
      return { response_range: rangeResultToWire(r.result, nested(r.result.revision)) };
    case "put":
      return {
        response_put: {
          header: nested(r.result.revision) as WireHeader,
          ...(r.result.prevKv ? { prev_kv: keyValueToWire(r.result.prevKv) } : {}),
        },
      };
    case "delete":
      return {
        response_delete_range: {
          header: nested(r.result.revision) as WireHeader,
          deleted: r.result.deleted,
          prev_kvs: r.result.prevKvs.map((kv) => keyValueToWire(kv)),
        },
      };
    case "txn":
      return { response_txn: txnResultToWire(r.result, nested(r.result.revision), nested) };
  }
}

export function txnResultFromWire(res: WireTxnResponse, leases: LeaseIdCodec): TxnResult {
  const revision = num(res.header?.revision);
  return {
    succeeded: res.succeeded === true,
    revision,
    results: (res.responses ?? []).map((r) => responseOpFromWire(r, leases, revision)),
  };
}

function responseOpFromWire(r: WireResponseOp, leases: LeaseIdCodec, revision: number): TxnOpResult {
  // etcd leaves nested headers empty in some versions: fall back to the txn's revision.
  const rev = (h: WireHeader | undefined | null) => num(h?.revision) || revision;
  if (r.response_put) {
    const put = r.response_put;
    return {
      type: "put",
      result: {
        revision: rev(put.header),
        ...(put.prev_kv ? { prevKv: keyValueFromWire(put.prev_kv, leases) } : {}),
      },
    };
  }
  if (r.response_delete_range) {
    const del = r.response_delete_range;
    return {
      type: "delete",
      result: {
        revision: rev(del.header),
        deleted: num(del.deleted),
        prevKvs: (del.prev_kvs ?? []).map((kv) => keyValueFromWire(kv, leases)),
      },
    };
  }
  if (r.response_txn) {
    const inner = txnResultFromWire(r.response_txn, leases);
    return { type: "txn", result: { ...inner, revision: inner.revision || revision } };
  }
  const range = r.response_range ?? { header: { revision }, kvs: [], more: false, count: 0 };
  const result = rangeResultFromWire(range as WireRangeResponse, leases);
  return { type: "range", result: { ...result, revision: result.revision || revision } };
}
