// The items of a JSON list written from the stored bytes: each stored object (JSON that begins
// with metadata and lacks resourceVersion) with its resourceVersion spliced in, copied once; no
// parse, no per-item encode. Byte-identical to JSON.stringify of the decoded list plus "\n".
import type { KeyValue } from "../../../storage/kv.ts";
import { decodeObject } from "../registry/object.ts";
import type { BodyWriter } from "./streamed-body.ts";

/** Stored JSON written by encodeObject begins with this. */
const STORED = Buffer.from('{"metadata":{');
const WITH_VERSION = Buffer.from('{"metadata":{"resourceVersion":"');
const COMMA = Buffer.from(",");
const QUOTE = Buffer.from('"');
const QUOTE_COMMA = Buffer.from('",');
const TAIL = Buffer.from("]}\n");

/** Writes `head` (the list's JSON text up to `"items":[`), the objects and `]}\n`; yields per object. */
export function* jsonListBody(w: BodyWriter, head: string, kvs: readonly KeyValue[]): Generator<void> {
  w.text(head);
  for (let i = 0; i < kvs.length; i++) {
    const kv = kvs[i] as KeyValue;
    if (i > 0) w.bytes(COMMA);
    const value = kv.value;
    if (hasStoredLayout(value)) {
      w.bytes(WITH_VERSION);
      w.text(String(kv.modRevision));
      // '{"metadata":{}...': the resourceVersion is then metadata's only member.
      w.bytes(value[STORED.length] === 0x7d ? QUOTE : QUOTE_COMMA);
      w.bytes(value, STORED.length);
    } else w.text(JSON.stringify(decodeObject(kv)));
    yield;
  }
  w.bytes(TAIL);
}

function hasStoredLayout(value: Uint8Array): boolean {
  if (value.length <= STORED.length) return false;
  for (let i = 0; i < STORED.length; i++) if (value[i] !== STORED[i]) return false;
  return true;
}
