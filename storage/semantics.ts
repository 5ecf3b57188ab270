// etcd's rules that every KV implementation shares: key validation, the static checks on a
// transaction, compare evaluation and range sorting. Upstream: etcd-io/etcd
// server/etcdserver/api/v3rpc/key.go (checkTxnRequest, checkIntervals) and apply.go.
import { InvalidArgumentError } from "./errors.ts";
import { compareBytes, inRange } from "./keys.ts";
import type { Compare, KeyValue, SortOrder, SortTarget, TxnOp } from "./kv.ts";

/** etcd's --max-txn-ops default. */
export const MAX_TXN_OPS = 128;

export function validateKey(key: Uint8Array, _end?: Uint8Array): void {
  if (key.length === 0) throw new InvalidArgumentError("etcdserver: key is not provided");
}

/** Reject what etcd rejects before running a transaction. */
export function validateTxn(compare: Compare[], success: TxnOp[], failure: TxnOp[]): void {
  if (compare.length > MAX_TXN_OPS || success.length > MAX_TXN_OPS || failure.length > MAX_TXN_OPS) {
    throw new InvalidArgumentError("etcdserver: too many operations in txn request");
  }
  for (const c of compare) validateKey(c.key);
  checkBranch(success);
  checkBranch(failure);
}

/** A branch of at most one put, delete or range (the apiserver's writes) can repeat no key. */
function checkBranch(ops: TxnOp[]): void {
  const only = ops[0];
  if (ops.length > 1 || only?.type === "txn") checkIntervals(ops);
  else if (only) validateKey(only.key);
}

type Interval = { key: Uint8Array; end?: Uint8Array };

/**
 * Puts and deletes of one branch may not touch the same key twice; the two branches of a
 * nested transaction exclude each other, so they may (etcd's checkIntervals).
 */
function checkIntervals(ops: TxnOp[]): { puts: Set<string>; dels: Interval[] } {
  const dels: Interval[] = [];
  for (const op of ops) {
    if (op.type === "range" || op.type === "put" || op.type === "delete") validateKey(op.key);
    if (op.type === "delete") dels.push({ key: op.key, end: op.end });
  }
  const hit = (k: string) => dels.some((d) => inRange(hexBytes(k), d.key, d.end));
  const puts = new Set<string>();
  for (const op of ops) {
    if (op.type !== "txn") continue;
    for (const c of op.compare) validateKey(c.key);
    const then = checkIntervals(op.success);
    const otherwise = checkIntervals(op.failure);
    for (const k of then.puts) {
      if (puts.has(k) || hit(k)) throw duplicate();
      puts.add(k);
    }
    for (const k of otherwise.puts) {
      if ((puts.has(k) && !then.puts.has(k)) || hit(k)) throw duplicate();
      puts.add(k);
    }
    dels.push(...then.dels, ...otherwise.dels);
  }
  for (const op of ops) {
    if (op.type !== "put") continue;
    const k = Buffer.from(op.key).toString("hex");
    if (puts.has(k) || hit(k)) throw duplicate();
    puts.add(k);
  }
  return { puts, dels };
}

function hexBytes(hex: string): Uint8Array {
  return Buffer.from(hex, "hex");
}

function duplicate(): InvalidArgumentError {
  return new InvalidArgumentError("etcdserver: duplicate key given in txn request");
}

/**
 * Whether a compare holds over the live keys of its range. A missing key compares as a
 * zero KeyValue, except for value compares, which then fail (etcd's applyCompare).
 */
export function evaluateCompare(c: Compare, kvs: KeyValue[]): boolean {
  if (kvs.length === 0) {
    if (c.target === "value") return false;
    return compareOne(c, {
      key: c.key,
      value: new Uint8Array(0),
      createRevision: 0,
      modRevision: 0,
      version: 0,
      lease: 0,
    });
  }
  return kvs.every((kv) => compareOne(c, kv));
}

function compareOne(c: Compare, kv: KeyValue): boolean {
  let d: number;
  if (c.target === "value") {
    d = compareBytes(kv.value, c.value instanceof Uint8Array ? c.value : new Uint8Array(0));
  } else {
    const want = typeof c.value === "number" ? c.value : 0;
    const have = { version: kv.version, create: kv.createRevision, mod: kv.modRevision, lease: kv.lease }[
      c.target
    ];
    d = have - want;
  }
  switch (c.result) {
    case "=":
      return d === 0;
    case "!=":
      return d !== 0;
    case "<":
      return d < 0;
    case ">":
      return d > 0;
  }
}

/** Sort as etcd's Range does: a target without an order sorts ascending. */
export function sortKeyValues(kvs: KeyValue[], order: SortOrder, target: SortTarget): void {
  const effective = order === "none" && target !== "key" ? "ascend" : order;
  if (effective === "none") return;
  const by = (kv: KeyValue): number | Uint8Array =>
    ({ key: kv.key, value: kv.value, version: kv.version, create: kv.createRevision, mod: kv.modRevision })[
      target
    ];
  kvs.sort((a, b) => {
    const x = by(a);
    const y = by(b);
    const d = typeof x === "number" ? x - (y as number) : compareBytes(x, y as Uint8Array);
    return effective === "descend" ? -d : d;
  });
}
