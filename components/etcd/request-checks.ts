// Request validation done before anything touches the store, as etcd's v3rpc layer does
// (etcd-io/etcd server/etcdserver/api/v3rpc/key.go: checkPutRequest, checkTxnRequest, checkIntervals).
import { EtcdRpcError, rpcErrors } from "../../storage/etcd/rpc-errors.ts";
import { num, type WireRequestOp, type WireTxnRequest } from "../../storage/etcd/wire.ts";
import { inRange } from "../../storage/keys.ts";

function fail(rpc: (typeof rpcErrors)[keyof typeof rpcErrors]): never {
  throw new EtcdRpcError(rpc);
}

export function checkKey(key: Uint8Array | undefined | null): void {
  if (!key || key.length === 0) fail(rpcErrors.emptyKey);
}

export function checkPut(put: {
  key: Uint8Array;
  value?: Uint8Array;
  lease?: string | number;
  ignore_value?: boolean;
  ignore_lease?: boolean;
}): void {
  checkKey(put.key);
  if (put.ignore_value && put.value && put.value.length > 0) fail(rpcErrors.valueProvided);
  if (put.ignore_lease && num(put.lease) !== 0) fail(rpcErrors.leaseProvided);
}

export function checkSize(size: number, limit: number): void {
  if (size > limit) fail(rpcErrors.requestTooLarge);
}

/** etcd's checkTxnRequest plus checkIntervals: op counts, empty keys, keys written twice. */
export function checkTxn(txn: WireTxnRequest, maxOps: number): void {
  checkTxnShape(txn, maxOps);
  checkBranch(txn.success ?? []);
  checkBranch(txn.failure ?? []);
}

function checkTxnShape(txn: WireTxnRequest, maxOps: number): void {
  const ops = Math.max(txn.compare?.length ?? 0, txn.success?.length ?? 0, txn.failure?.length ?? 0);
  if (ops > maxOps) fail(rpcErrors.tooManyOps);
  for (const c of txn.compare ?? []) checkKey(c.key);
  for (const op of [...(txn.success ?? []), ...(txn.failure ?? [])]) {
    if (op.request_range) checkKey(op.request_range.key);
    else if (op.request_put) checkPut(op.request_put);
    else if (op.request_delete_range) checkKey(op.request_delete_range.key);
    else if (op.request_txn) checkTxnShape(op.request_txn, maxOps);
  }
}

interface Interval {
  key: Uint8Array;
  end: Uint8Array | undefined;
}

function hits(dels: Interval[], key: Uint8Array): boolean {
  return dels.some((d) => inRange(key, d.key, d.end));
}

/**
 * Within one branch no key may be put twice, nor put and deleted; puts in the two branches of a
 * nested txn may repeat each other since only one of them runs.
 */
function checkBranch(ops: WireRequestOp[]): { puts: Set<string>; dels: Interval[] } {
  const dels: Interval[] = [];
  for (const op of ops) {
    const del = op.request_delete_range;
    if (del)
      dels.push({ key: del.key, end: del.range_end && del.range_end.length > 0 ? del.range_end : undefined });
  }
  const puts = new Set<string>();
  const id = (key: Uint8Array) => Buffer.from(key).toString("latin1");
  const fromId = (key: string) => Buffer.from(key, "latin1");
  for (const op of ops) {
    if (!op.request_txn) continue;
    const then = checkBranch(op.request_txn.success ?? []);
    const other = checkBranch(op.request_txn.failure ?? []);
    for (const k of then.puts) {
      if (puts.has(k) || hits(dels, fromId(k))) fail(rpcErrors.duplicateKey);
      puts.add(k);
    }
    for (const k of other.puts) {
      if ((puts.has(k) && !then.puts.has(k)) || hits(dels, fromId(k))) fail(rpcErrors.duplicateKey);
      puts.add(k);
    }
    dels.push(...then.dels, ...other.dels);
  }
  for (const op of ops) {
    if (!op.request_put) continue;
    const k = id(op.request_put.key);
    if (puts.has(k) || hits(dels, op.request_put.key)) fail(rpcErrors.duplicateKey);
    puts.add(k);
  }
  return { puts, dels };
}
