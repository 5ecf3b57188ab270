// One change the watch cache saw, with the previous value it held: what every watcher of the
// cache reads. What watchers share (the parsed object a selector reads, the encoded watch line)
// is made once per event for all of them and dropped once the event is delivered.
import type { KeyValue } from "../../../storage/kv.ts";
import { decodeObject, objectJsonBytes, type Stored } from "./object.ts";
import type { WatchEventType } from "./raw-watch-event.ts";
import type { StoredPrefilter } from "./stored-prefilter.ts";

const encoder = new TextEncoder();
const TAIL = encoder.encode("}\n");

export class CacheEvent {
  private shared: { obj?: Stored; prev?: Stored; lines?: Partial<Record<WatchEventType, Uint8Array>> } = {};

  constructor(
    readonly type: "put" | "delete",
    /** The key as latin1 text (compares as the bytes do). */
    readonly key: string,
    /** For a delete: the tombstone (its modRevision is the delete's revision). */
    readonly kv: KeyValue,
    /** The value before this event, if the key existed. */
    readonly prevKv: KeyValue | undefined,
  ) {}

  get revision(): number {
    return this.kv.modRevision;
  }

  /**
   * The watch event type this change is for a watcher with `filter` (upstream's cacher: a change
   * into the selection is ADDED, out of it DELETED); undefined: that watcher does not see it.
   */
  typeFor(filter?: (obj: Stored) => boolean, prefilter?: StoredPrefilter): WatchEventType | undefined {
    const { kv, prevKv } = this;
    if (prefilter && !(this.type === "put" && prefilter(kv.value)) && !(prevKv && prefilter(prevKv.value)))
      return undefined;
    if (this.type === "delete") {
      if (!prevKv || (filter && !filter(this.previous()))) return undefined;
      return "DELETED";
    }
    const now = !filter || filter(this.object());
    const before = prevKv !== undefined && (!filter || filter(this.previous()));
    if (now) return before ? "MODIFIED" : "ADDED";
    return before ? "DELETED" : undefined;
  }

  /** The object a watcher of `type` gets, parsed for it alone (it may change it). */
  objectFor(type: WatchEventType): Stored {
    if (type === "DELETED" && this.type === "delete" && this.prevKv)
      return decodeObject(this.prevKv, this.revision);
    return decodeObject(this.kv);
  }

  /** `{"type":...,"object":<stored JSON>}\n` as UTF-8, made once for every watcher. */
  line(type: WatchEventType): Uint8Array {
    this.shared.lines ??= {};
    const lines = this.shared.lines;
    let line = lines[type];
    if (!line) {
      const source = type === "DELETED" && this.type === "delete" && this.prevKv ? this.prevKv : this.kv;
      // The stored bytes are copied in as they are, never decoded to text and encoded back.
      const parts = [
        encoder.encode(`{"type":"${type}","object":`),
        ...objectJsonBytes(source, this.revision),
        TAIL,
      ];
      let length = 0;
      for (const part of parts) length += part.length;
      line = new Uint8Array(length);
      let at = 0;
      for (const part of parts) {
        line.set(part, at);
        at += part.length;
      }
      lines[type] = line;
    }
    return line;
  }

  /** Forget what was shared (the event stays in the cache's window, its encodings need not). */
  release(): void {
    this.shared = {};
  }

  /** The current object, shared: selector predicates only read it. */
  private object(): Stored {
    this.shared.obj ??= decodeObject(this.kv);
    return this.shared.obj;
  }

  private previous(): Stored {
    this.shared.prev ??= decodeObject(this.prevKv as KeyValue, this.revision);
    return this.shared.prev;
  }
}
