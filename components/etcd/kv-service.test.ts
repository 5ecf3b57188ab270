// Range as etcd serves it, raw over gRPC against kube etcd and a real etcd: revision filters,
// default sort order, keys-only and count-only, and the empty-key status.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as grpc from "@grpc/grpc-js";
import { etcdServices } from "../../storage/etcd/proto.ts";
import { num, type WireRangeRequest, type WireRangeResponse } from "../../storage/etcd/wire.ts";
import { bytes, text } from "../../storage/keys.ts";
import { type EtcdTarget, etcdTargets } from "../../test/harness/etcd-targets.ts";

/** One raw Range call, as a result object (never an async matcher: oven-sh/bun#39796). */
function rawRange(
  client: grpc.Client,
  req: WireRangeRequest,
): Promise<WireRangeResponse | grpc.ServiceError> {
  const method = etcdServices().KV.service.Range;
  if (!method) throw new Error("no Range method");
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      req,
      (err, res) => resolve(err ?? (res as WireRangeResponse)),
    );
  });
}

function keys(res: WireRangeResponse | grpc.ServiceError): string[] {
  if (res instanceof Error) throw res;
  return res.kvs.map((kv) => text(kv.key));
}

for (const [name, open] of etcdTargets("KV Range parity against a real etcd")) {
  describe(`KV Range as etcd serves it: ${name}`, () => {
    let target: EtcdTarget;
    let client: grpc.Client;
    let first = 0;

    beforeAll(async () => {
      target = await open();
      client = new grpc.Client(target.address, grpc.credentials.createInsecure());
      first = (await target.kv.put(bytes("/r/a"), bytes("1"))).revision;
      await target.kv.put(bytes("/r/b"), bytes("22"));
      await target.kv.put(bytes("/r/c"), bytes("333"));
      await target.kv.put(bytes("/r/a"), bytes("4444"));
    });

    afterAll(async () => {
      client?.close();
      await target?.stop();
    });

    const all = { key: bytes("/r/"), range_end: bytes("/r0") };

    test("min/max mod and create revision filters; count ignores them", async () => {
      const res = await rawRange(client, { ...all, min_mod_revision: first + 1 });
      expect(keys(res)).toEqual(["/r/a", "/r/b", "/r/c"]);
      expect(keys(await rawRange(client, { ...all, max_mod_revision: first + 2 }))).toEqual(["/r/b", "/r/c"]);
      expect(keys(await rawRange(client, { ...all, min_create_revision: first + 1 }))).toEqual([
        "/r/b",
        "/r/c",
      ]);
      const limited = await rawRange(client, { ...all, max_create_revision: first + 1, limit: 1 });
      expect(keys(limited)).toEqual(["/r/a"]);
      if (limited instanceof Error) throw limited;
      expect([num(limited.count), limited.more]).toEqual([3, true]);
    });

    test("a sort target without an order sorts ascending; keys-only and count-only", async () => {
      expect(keys(await rawRange(client, { ...all, sort_target: "VALUE" }))).toEqual([
        "/r/b",
        "/r/c",
        "/r/a",
      ]);
      expect(keys(await rawRange(client, { ...all, sort_order: "DESCEND", sort_target: "MOD" }))).toEqual([
        "/r/a",
        "/r/c",
        "/r/b",
      ]);
      const keysOnly = await rawRange(client, { ...all, keys_only: true });
      if (keysOnly instanceof Error) throw keysOnly;
      expect(keysOnly.kvs.map((kv) => kv.value.length)).toEqual([0, 0, 0]);
      const counted = await rawRange(client, { ...all, count_only: true });
      if (counted instanceof Error) throw counted;
      expect([counted.kvs.length, num(counted.count)]).toEqual([0, 3]);
    });

    test("an empty key is refused with etcd's status", async () => {
      const err = await rawRange(client, { key: new Uint8Array(0) });
      expect(err instanceof Error && [err.code, err.details]).toEqual([
        grpc.status.INVALID_ARGUMENT,
        "etcdserver: key is not provided",
      ]);
    });
  });
}
