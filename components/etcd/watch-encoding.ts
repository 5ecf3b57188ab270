// WatchResponses of events encoded once for every watcher: an event's protobuf bytes are made
// once per stored change and shared by all watch streams it goes to; a response is the header
// (encoded once per revision), the watch ID and those bytes, concatenated. Protobuf allows a
// message's fields to be concatenated so, and the result is byte for byte what grpc-js's own
// serializer writes (watch-encoding.test.ts).
import type * as grpc from "@grpc/grpc-js";
import { keyValueToWire } from "../../storage/etcd/convert.ts";
import type { WireEvent, WireHeader, WireWatchResponse } from "../../storage/etcd/wire.ts";
import type { KeyValue, WatchEvent } from "../../storage/kv.ts";

/** A response already encoded; the wrapped Watch service writes its bytes as they are. */
export class EncodedWatchResponse {
  constructor(readonly bytes: Buffer) {}
}

type Serialize = (message: Partial<WireWatchResponse>) => Buffer;

/** The Watch service with a serializer that passes EncodedWatchResponses through. */
export function withEncodedWatchResponses(service: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const wrapped: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const [method, definition] of Object.entries(service)) {
    const serialize = definition.responseSerialize;
    wrapped[method] = {
      ...definition,
      responseSerialize: (message: object) =>
        message instanceof EncodedWatchResponse ? message.bytes : serialize(message),
    };
  }
  return wrapped;
}

export function eventToWire(event: WatchEvent): WireEvent {
  return {
    type: event.type === "put" ? "PUT" : "DELETE",
    kv: keyValueToWire(event.kv),
    ...(event.prevKv ? { prev_kv: keyValueToWire(event.prevKv) } : {}),
  };
}

/** Encodes event responses with `serialize` (the Watch method's own), sharing what it can. */
export class WatchResponseEncoder {
  /** Per stored change (its KeyValue object, shared by every watcher): the event field's bytes. */
  private readonly events = new WeakMap<KeyValue, { withPrev?: Buffer; plain?: Buffer }>();
  private header: { revision: number; bytes: Buffer } | undefined;

  constructor(private readonly serialize: Serialize) {}

  encode(
    header: WireHeader,
    revision: number,
    watchId: number,
    events: readonly WatchEvent[],
  ): EncodedWatchResponse {
    if (this.header?.revision !== revision) this.header = { revision, bytes: this.serialize({ header }) };
    const head = this.header.bytes;
    const id = watchIdField(watchId);
    if (events.length === 1) {
      // One event (nearly always): one allocation, three copies.
      const event = this.eventField(events[0] as WatchEvent);
      const out = Buffer.allocUnsafe(head.length + id.length + event.length);
      head.copy(out, 0);
      id.copy(out, head.length);
      event.copy(out, head.length + id.length);
      return new EncodedWatchResponse(out);
    }
    const parts: Buffer[] = [head, id];
    for (const event of events) parts.push(this.eventField(event));
    return new EncodedWatchResponse(Buffer.concat(parts));
  }

  private eventField(event: WatchEvent): Buffer {
    let cached = this.events.get(event.kv);
    if (!cached) {
      cached = {};
      this.events.set(event.kv, cached);
    }
    const key = event.prevKv ? "withPrev" : "plain";
    let bytes = cached[key];
    if (!bytes) {
      bytes = this.serialize({ events: [eventToWire(event)] });
      cached[key] = bytes;
    }
    return bytes;
  }
}

/** watchIdField's bytes per small watch ID (a stream's IDs count up from 0). */
const idFields: Buffer[] = [];

/** Field 2 (watch_id, int64) as a varint; present even when 0, as protobufjs writes a set field. */
function watchIdField(id: number): Buffer {
  if (id >= 0 && id < 4096) {
    let field = idFields[id];
    if (!field) {
      field = encodeWatchIdField(id);
      idFields[id] = field;
    }
    return field;
  }
  return encodeWatchIdField(id);
}

function encodeWatchIdField(id: number): Buffer {
  const out = [0x10];
  let n = BigInt.asUintN(64, BigInt(id));
  while (n >= 0x80n) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return Buffer.from(out);
}
