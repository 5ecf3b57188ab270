// Splits a large watch response into fragments when the watcher asked for it (fragment=true),
// as etcd 3.4 does: each part stays under --max-request-bytes (but holds at least one event),
// and every part but the last is marked `fragment` (etcd-io/etcd v3rpc/watch.go sendFragments).
import type { WireEvent, WireKeyValue } from "../../storage/etcd/wire.ts";

/** Encoded size of a key-value, near enough: its bytes plus a fixed allowance for the numbers. */
function kvSize(kv: WireKeyValue | null | undefined): number {
  return kv ? kv.key.length + kv.value.length + 48 : 0;
}

export function eventSize(event: WireEvent): number {
  return kvSize(event.kv) + kvSize(event.prev_kv) + 8;
}

/** The events in parts of at most `limit` bytes each (one oversized event is a part of its own). */
export function fragmentEvents(events: WireEvent[], limit: number): WireEvent[][] {
  const parts: WireEvent[][] = [];
  let part: WireEvent[] = [];
  let size = 0;
  for (const event of events) {
    const n = eventSize(event);
    if (part.length > 0 && size + n >= limit) {
      parts.push(part);
      part = [];
      size = 0;
    }
    part.push(event);
    size += n;
  }
  if (part.length > 0 || parts.length === 0) parts.push(part);
  return parts;
}
