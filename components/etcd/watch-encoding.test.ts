// Watch responses encoded once per change are byte for byte what grpc-js's own serializer writes.
import { expect, test } from "bun:test";
import { etcdServices } from "../../storage/etcd/proto.ts";
import type { WireWatchResponse } from "../../storage/etcd/wire.ts";
import type { KeyValue, WatchEvent } from "../../storage/kv.ts";
import { memberIdentity, responseHeader } from "./member-identity.ts";
import { eventToWire, WatchResponseEncoder, withEncodedWatchResponses } from "./watch-encoding.ts";

const serialize = etcdServices().Watch.service.Watch?.responseSerialize as (
  m: Partial<WireWatchResponse>,
) => Buffer;
const bytes = (s: string) => new TextEncoder().encode(s);
const kv = (key: string, value: string, rev: number, lease = 0): KeyValue => ({
  key: bytes(key),
  value: bytes(value),
  createRevision: rev - 1,
  modRevision: rev,
  version: 2,
  lease,
});

test("header, watch ID and events concatenated equal the whole response encoded", () => {
  const encoder = new WatchResponseEncoder(serialize);
  const header = responseHeader(memberIdentity("default"), 1234567890123);
  const put: WatchEvent = {
    type: "put",
    kv: kv("/a", "x".repeat(300), 1234567890123, 7587868735489),
    prevKv: kv("/a", "", 9),
  };
  const del: WatchEvent = {
    type: "delete",
    kv: { ...kv("/b", "", 1234567890123), createRevision: 0, version: 0 },
  };
  const plain: WatchEvent = { type: "put", kv: put.kv };
  for (const [id, events] of [
    [0, [put]],
    [1, [put, del]],
    [300, [plain, del]],
    [127, [plain]],
    [128, [plain]],
    [4095, [put]],
    [4096, [put]],
    [2 ** 40, [del]],
  ] as const) {
    const whole = serialize({ header, watch_id: id, events: events.map(eventToWire) });
    expect(encoder.encode(header, 1234567890123, id, events).bytes).toEqual(whole);
    // Again: the shared event bytes and the remembered ID field give the same response.
    expect(encoder.encode(header, 1234567890123, id, events).bytes).toEqual(whole);
  }
});

test("the wrapped Watch service writes encoded responses as they are and encodes the rest", () => {
  const method = withEncodedWatchResponses(etcdServices().Watch.service).Watch;
  const header = responseHeader(memberIdentity("default"), 5);
  const created = { header, watch_id: 3, created: true, events: [] };
  expect(method?.responseSerialize(created)).toEqual(serialize(created));
  const encoded = new WatchResponseEncoder(serialize).encode(header, 5, 3, [
    { type: "put", kv: kv("/k", "v", 5) },
  ]);
  expect(method?.responseSerialize(encoded)).toBe(encoded.bytes);
});
