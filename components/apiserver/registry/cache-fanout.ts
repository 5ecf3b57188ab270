// The watchers of one watch cache and the window of its recent events (upstream's cacher
// dispatchEvents and watchCache's cyclic buffer): each tick's events are handed to every
// watcher whose range holds them in one pass, watchers of one node found through an index on
// spec.nodeName as upstream's trigger function does, watchers of one object (a name in the path
// or a metadata.name field selector) by its key, and a watch from a revision still in the
// window replays it from memory.
import type { CacheEvent } from "./cache-event.ts";
import { memberNeedle, memberValues, UNREADABLE } from "./member-index.ts";

/** A watcher of the cache. Its callbacks run synchronously inside the dispatch. */
export interface CacheSubscriber {
  /** Keys in [start, end), as latin1 text. */
  readonly start: string;
  readonly end: string;
  /** The first revision it wants. */
  readonly from: number;
  /** It can only match objects whose stored JSON has this member with this string value. */
  readonly index?: { member: string; value: string };
  /** Its events, in revision order, all in its range and at `from` or later. */
  deliver(events: readonly CacheEvent[]): void;
  /** Every event up to `revision` has been delivered (called when it asked for a bookmark). */
  bookmark(revision: number): void;
  /** The cache stopped: no more events will come. */
  ended(): void;
}

/**
 * Events kept for watches from a past revision: at least `min`, and those younger than `freshMs`
 * (upstream's eventFreshDuration) while the window holds at most `maxEvents` and `maxBytes` (the
 * stored bytes of each event's object plus a share for its records: 10,240 Node events of 6 KB
 * were 64 MB). A watch from a revision before the window is the store's (its history, or 410
 * Expired once compacted).
 */
export interface WindowLimits {
  min: number;
  freshMs: number;
  maxEvents: number;
  maxBytes: number;
}

export const WINDOW_LIMITS: WindowLimits = {
  min: 100,
  freshMs: 75_000,
  maxEvents: 10_240,
  maxBytes: 16 * 1024 * 1024,
};

/** What an event's records (CacheEvent, KeyValue, typed arrays, key text) take besides its bytes. */
const EVENT_OVERHEAD = 200;

/** The bytes an event keeps alive: the object it put, or for a delete the last one. */
export function eventBytes(e: CacheEvent): number {
  const value = e.type === "delete" ? e.prevKv?.value : e.kv.value;
  return (value?.byteLength ?? 0) + e.key.length + EVENT_OVERHEAD;
}

interface WindowEntry {
  event: CacheEvent;
  at: number;
  bytes: number;
}

/** Watchers of one key range: the plain ones, and per indexed member those by value. */
class RangeGroup {
  readonly plain = new Set<CacheSubscriber>();
  readonly indexed = new Map<string, { needle: Buffer; byValue: Map<string, Set<CacheSubscriber>> }>();

  constructor(
    readonly start: string,
    readonly end: string,
  ) {}

  get empty(): boolean {
    return this.plain.size === 0 && this.indexed.size === 0;
  }
}

/** A range of exactly one key: [key, key + "\0"). */
const oneKey = (start: string, end: string): boolean =>
  end.length === start.length + 1 && end === `${start}\0`;

export class CacheFanout {
  private readonly groups = new Map<string, RangeGroup>();
  /** The groups of more than one key, dispatched by a range check each... */
  private readonly spans = new Set<RangeGroup>();
  /** ...and those of one key (a kubelet's watch of its Node), found by the event's key. */
  private readonly byKey = new Map<string, RangeGroup>();
  /** Entries before windowHead are emptied (undefined) as they leave, so nothing holds their objects. */
  private readonly window: (WindowEntry | undefined)[] = [];
  private windowHead = 0;
  /** eventBytes of the window's events. */
  private windowBytes = 0;
  private readonly wantBookmark = new Set<CacheSubscriber>();
  /** Every event at or after this revision is in the window. */
  windowStart: number;
  size = 0;

  constructor(
    startRevision: number,
    private readonly limits: WindowLimits = WINDOW_LIMITS,
  ) {
    this.windowStart = startRevision;
  }

  /** The window's events and their eventBytes, and the entries its array still holds (tests). */
  get windowSize(): { events: number; bytes: number; held: number } {
    let held = 0;
    for (const entry of this.window) if (entry) held++;
    return { events: this.window.length - this.windowHead, bytes: this.windowBytes, held };
  }

  /**
   * Adds a watcher, first replaying the window's events at or after its `from`; false (and not
   * added) when the window no longer reaches back that far.
   */
  subscribe(sub: CacheSubscriber): boolean {
    if (sub.from < this.windowStart) return false;
    const replay: CacheEvent[] = [];
    for (let i = this.windowHead; i < this.window.length; i++) {
      const { event } = this.window[i] as WindowEntry;
      if (
        event.revision >= sub.from &&
        event.key >= sub.start &&
        event.key < sub.end &&
        indexMatch(sub, event)
      )
        replay.push(event);
    }
    if (replay.length > 0) sub.deliver(replay);
    for (const e of replay) e.release();
    const rangeKey = `${sub.start}\0${sub.end}`;
    let group = this.groups.get(rangeKey);
    if (!group) {
      group = new RangeGroup(sub.start, sub.end);
      this.groups.set(rangeKey, group);
      if (oneKey(sub.start, sub.end)) this.byKey.set(sub.start, group);
      else this.spans.add(group);
    }
    if (sub.index) {
      let byMember = group.indexed.get(sub.index.member);
      if (!byMember) {
        byMember = { needle: memberNeedle(sub.index.member), byValue: new Map() };
        group.indexed.set(sub.index.member, byMember);
      }
      let subs = byMember.byValue.get(sub.index.value);
      if (!subs) {
        subs = new Set();
        byMember.byValue.set(sub.index.value, subs);
      }
      subs.add(sub);
    } else group.plain.add(sub);
    this.size++;
    return true;
  }

  unsubscribe(sub: CacheSubscriber): void {
    this.wantBookmark.delete(sub);
    const rangeKey = `${sub.start}\0${sub.end}`;
    const group = this.groups.get(rangeKey);
    if (!group) return;
    let removed = false;
    if (sub.index) {
      const byMember = group.indexed.get(sub.index.member);
      const subs = byMember?.byValue.get(sub.index.value);
      removed = subs?.delete(sub) === true;
      if (subs?.size === 0) byMember?.byValue.delete(sub.index.value);
      if (byMember?.byValue.size === 0) group.indexed.delete(sub.index.member);
    } else removed = group.plain.delete(sub);
    if (removed) this.size--;
    if (group.empty) {
      this.groups.delete(rangeKey);
      this.spans.delete(group);
      if (this.byKey.get(group.start) === group) this.byKey.delete(group.start);
    }
  }

  /** `sub` gets a bookmark at the next dispatch. */
  requestBookmark(sub: CacheSubscriber): void {
    this.wantBookmark.add(sub);
  }

  /** Hands one tick's events (revision order) to their watchers, then keeps them in the window. */
  dispatch(events: readonly CacheEvent[], revision: number, now: number): void {
    if (events.length > 0 && this.size > 0) {
      for (const group of this.spans) this.dispatchGroup(group, events);
      if (this.byKey.size > 0) this.dispatchByKey(events);
    }
    for (const e of events) {
      e.release();
      const bytes = eventBytes(e);
      this.windowBytes += bytes;
      this.window.push({ event: e, at: now, bytes });
    }
    this.trim(now);
    if (this.wantBookmark.size > 0) {
      const subs = [...this.wantBookmark];
      this.wantBookmark.clear();
      for (const sub of subs) sub.bookmark(revision);
    }
  }

  /** Ends every watcher (the cache failed or closed). */
  end(): void {
    const all: CacheSubscriber[] = [];
    for (const group of this.groups.values()) {
      all.push(...group.plain);
      for (const byMember of group.indexed.values())
        for (const subs of byMember.byValue.values()) all.push(...subs);
    }
    this.groups.clear();
    this.spans.clear();
    this.byKey.clear();
    this.wantBookmark.clear();
    this.size = 0;
    for (const sub of all) sub.ended();
  }

  /** One-key groups: a lookup per event, not a range check per group (5000 kubelets, 5000 groups). */
  private dispatchByKey(events: readonly CacheEvent[]): void {
    if (events.length === 1) {
      const group = this.byKey.get((events[0] as CacheEvent).key);
      if (group) this.dispatchGroup(group, events);
      return;
    }
    const per = new Map<RangeGroup, CacheEvent[]>();
    for (const e of events) {
      const group = this.byKey.get(e.key);
      if (!group) continue;
      const list = per.get(group);
      if (list) list.push(e);
      else per.set(group, [e]);
    }
    for (const [group, list] of per) this.dispatchGroup(group, list);
  }

  private dispatchGroup(group: RangeGroup, events: readonly CacheEvent[]): void {
    const mine = events.filter((e) => e.key >= group.start && e.key < group.end);
    if (mine.length === 0) return;
    for (const sub of group.plain) deliverFrom(sub, mine);
    for (const byMember of group.indexed.values()) {
      // Per watcher, its events in order: a watcher matches an event through its value or prev value.
      const per = new Map<CacheSubscriber, CacheEvent[]>();
      for (const e of mine) {
        const values = new Set(memberValues(byMember.needle, e.kv.value));
        if (e.prevKv) for (const v of memberValues(byMember.needle, e.prevKv.value)) values.add(v);
        const targets = values.has(UNREADABLE) ? [...byMember.byValue.values()] : [];
        if (targets.length === 0)
          for (const v of values) {
            const subs = byMember.byValue.get(v);
            if (subs) targets.push(subs);
          }
        for (const subs of targets)
          for (const sub of subs) {
            const list = per.get(sub);
            if (list) list.push(e);
            else per.set(sub, [e]);
          }
      }
      for (const [sub, list] of per) deliverFrom(sub, list);
    }
  }

  private trim(now: number): void {
    const { min, freshMs, maxEvents, maxBytes } = this.limits;
    while (this.window.length - this.windowHead > min) {
      const oldest = this.window[this.windowHead] as WindowEntry;
      const count = this.window.length - this.windowHead;
      if (count <= maxEvents && this.windowBytes <= maxBytes && now - oldest.at < freshMs) break;
      // Emptied, not only passed: the array keeps up to as many passed slots as live ones.
      this.window[this.windowHead] = undefined;
      this.windowHead++;
      this.windowBytes -= oldest.bytes;
      this.windowStart = oldest.event.revision + 1;
    }
    // Compact the array now and then instead of shifting on every event.
    if (this.windowHead > 1024 && this.windowHead * 2 > this.window.length) {
      this.window.splice(0, this.windowHead);
      this.windowHead = 0;
    }
  }
}

function deliverFrom(sub: CacheSubscriber, events: CacheEvent[]): void {
  const first = events[0] as CacheEvent;
  if (first.revision >= sub.from) sub.deliver(events);
  else {
    const later = events.filter((e) => e.revision >= sub.from);
    if (later.length > 0) sub.deliver(later);
  }
}

function indexMatch(sub: CacheSubscriber, event: CacheEvent): boolean {
  if (!sub.index) return true;
  const needle = memberNeedle(sub.index.member);
  const values = memberValues(needle, event.kv.value);
  if (event.prevKv) values.push(...memberValues(needle, event.prevKv.value));
  return values.includes(sub.index.value) || values.includes(UNREADABLE);
}
