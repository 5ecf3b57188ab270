// A watch event as JSON text for watchers that want the stored layout (plain JSON of a kind
// stored as served): toObjectEvent's rules, with the text and the object a selector reads made
// once per storage event and shared by every such watcher.
import type { KeyValue } from "../../../storage/kv.ts";
import { decodeObject, objectJson, type Stored } from "./object.ts";

/** The watch event types of upstream's watch.EventType. */
export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

/** An event of a `raw` watch: the object as JSON text (stored layout, resourceVersion set). */
export interface RawObjectEvent {
  type: WatchEventType;
  json: string;
}

/**
 * toObjectEvent as text. The storage hands every watcher of a range the same KeyValue objects,
 * so the text, and the object a filter reads, are made once per event for all raw watchers.
 */
export function toRawEvent(
  type: "put" | "delete",
  kv: KeyValue,
  prevKv: KeyValue | undefined,
  filter: ((obj: Stored) => boolean) | undefined,
): RawObjectEvent | undefined {
  const rev = kv.modRevision;
  if (type === "delete") {
    if (!prevKv || (filter && !filter(sharedObject(prevKv, rev)))) return undefined;
    return { type: "DELETED", json: sharedJson(prevKv, rev) };
  }
  const now = !filter || filter(sharedObject(kv, rev));
  const before = prevKv !== undefined && (!filter || filter(sharedObject(prevKv, rev)));
  if (now) return { type: before ? "MODIFIED" : "ADDED", json: sharedJson(kv, rev) };
  if (before) return { type: "DELETED", json: sharedJson(kv, rev) };
  return undefined;
}

const jsonOfKv = new WeakMap<KeyValue, { revision: number; json: string }>();
const objectOfKv = new WeakMap<KeyValue, { revision: number; obj: Stored }>();

/** objectJson(kv, revision), cached per KeyValue object and revision. */
function sharedJson(kv: KeyValue, revision: number): string {
  const cached = jsonOfKv.get(kv);
  if (cached?.revision === revision) return cached.json;
  const json = objectJson(kv, revision);
  jsonOfKv.set(kv, { revision, json });
  return json;
}

/** decodeObject(kv, revision), cached likewise: only selector predicates read it, never write. */
function sharedObject(kv: KeyValue, revision: number): Stored {
  const cached = objectOfKv.get(kv);
  if (cached?.revision === revision) return cached.obj;
  const obj = decodeObject(kv, revision);
  objectOfKv.set(kv, { revision, obj });
  return obj;
}
