// A store watch event as an object event for one watcher's filter: an object entering or leaving
// the filter becomes ADDED or DELETED (upstream's cacher and etcd3 watcher). raw-watch-event.ts
// is the same for events kept as stored JSON text.
import type { KeyValue } from "../../../storage/kv.ts";
import { decodeObject, type KObject, type Stored } from "./object.ts";
import type { WatchEventType } from "./raw-watch-event.ts";

export interface ObjectEvent {
  type: WatchEventType;
  object: KObject;
}

export function toObjectEvent(
  type: "put" | "delete",
  kv: KeyValue,
  prevKv: KeyValue | undefined,
  filter: ((obj: Stored) => boolean) | undefined,
): ObjectEvent | undefined {
  if (type === "delete") {
    const prev = prevKv ? decodeObject(prevKv, kv.modRevision) : undefined;
    if (!prev || (filter && !filter(prev))) return undefined;
    return { type: "DELETED", object: prev };
  }
  const cur = decodeObject(kv);
  if (!filter) return { type: prevKv ? "MODIFIED" : "ADDED", object: cur }; // no parse of the old one
  const now = filter(cur);
  const before = prevKv !== undefined && filter(decodeObject(prevKv, kv.modRevision));
  if (now) return { type: before ? "MODIFIED" : "ADDED", object: cur };
  if (before) return { type: "DELETED", object: cur };
  return undefined;
}
