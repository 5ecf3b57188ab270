// The checks etcd makes before a txn or put reaches the store: duplicate keys per branch,
// operation counts, empty keys, ignore_value/ignore_lease conflicts.
import { describe, expect, test } from "bun:test";
import type { WireRequestOp, WireTxnRequest } from "../../storage/etcd/wire.ts";
import { bytes } from "../../storage/keys.ts";
import { checkPut, checkTxn } from "./request-checks.ts";

const put = (key: string): WireRequestOp => ({ request_put: { key: bytes(key), value: bytes("v") } });
const del = (key: string, end?: string): WireRequestOp => ({
  request_delete_range: { key: bytes(key), ...(end ? { range_end: bytes(end) } : {}) },
});
const txn = (success: WireRequestOp[], failure: WireRequestOp[] = []): WireTxnRequest => ({
  compare: [],
  success,
  failure,
});
const nested = (success: WireRequestOp[], failure: WireRequestOp[] = []): WireRequestOp => ({
  request_txn: txn(success, failure),
});
const message = (f: () => void): string => {
  try {
    f();
    return "ok";
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
};

describe("etcd request checks", () => {
  test("a key may be written once per branch; the two branches may repeat each other", () => {
    expect(message(() => checkTxn(txn([put("a"), put("b")], [put("a")]), 128))).toBe("ok");
    expect(message(() => checkTxn(txn([put("a"), put("a")]), 128))).toBe(
      "etcdserver: duplicate key given in txn request",
    );
    expect(message(() => checkTxn(txn([put("b"), del("a", "c")]), 128))).toContain("duplicate key");
    expect(message(() => checkTxn(txn([put("c"), del("a", "c")]), 128))).toBe("ok");
    expect(message(() => checkTxn(txn([nested([put("a")], [put("a")])]), 128))).toBe("ok");
    expect(message(() => checkTxn(txn([put("a"), nested([put("a")])]), 128))).toContain("duplicate key");
    expect(message(() => checkTxn(txn([del("a"), nested([], [put("a")])]), 128))).toContain("duplicate key");
  });

  test("at most 128 operations per branch, and no empty keys anywhere", () => {
    const many = Array.from({ length: 129 }, (_, i) => put(`k${i}`));
    expect(message(() => checkTxn(txn(many.slice(0, 128)), 128))).toBe("ok");
    expect(message(() => checkTxn(txn(many), 128))).toBe("etcdserver: too many operations in txn request");
    expect(message(() => checkTxn(txn([put("")]), 128))).toBe("etcdserver: key is not provided");
    expect(message(() => checkTxn(txn([nested([del("")])]), 128))).toBe("etcdserver: key is not provided");
  });

  test("ignore_value and ignore_lease refuse a value or lease given alongside", () => {
    expect(message(() => checkPut({ key: bytes("a"), value: bytes("x"), ignore_value: true }))).toBe(
      "etcdserver: value is provided",
    );
    expect(message(() => checkPut({ key: bytes("a"), lease: "5", ignore_lease: true }))).toBe(
      "etcdserver: lease is provided",
    );
    expect(message(() => checkPut({ key: bytes("a"), value: new Uint8Array(0), ignore_value: true }))).toBe(
      "ok",
    );
  });
});
