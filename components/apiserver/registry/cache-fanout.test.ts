// The watch cache's fan-out: watchers of one key (a name in the path, or a metadata.name field
// selector) are found by the event's key, beside range watchers, in revision order, and leave
// no trace once they unsubscribe.
import { expect, test } from "bun:test";
import { bytes } from "../../../storage/keys.ts";
import { CacheEvent } from "./cache-event.ts";
import { CacheFanout, type CacheSubscriber, eventBytes, WINDOW_LIMITS } from "./cache-fanout.ts";

function put(key: string, rev: number, size = 0): CacheEvent {
  const kv = {
    key: bytes(key),
    value: bytes(`{"v":${rev}${size > 0 ? `,"pad":"${"x".repeat(size)}"` : ""}}`),
    createRevision: rev,
    modRevision: rev,
    version: 1,
    lease: 0,
  };
  return new CacheEvent("put", key, kv, undefined);
}

function subscriber(start: string, end: string, from = 1) {
  const got: string[] = [];
  const sub: CacheSubscriber = {
    start,
    end,
    from,
    deliver: (events) => got.push(events.map((e) => `${e.key}@${e.revision}`).join(" ")),
    bookmark: () => {},
    ended: () => got.push("ended"),
  };
  return { sub, got };
}

const one = (key: string, from = 1) => subscriber(key, `${key}\0`, from);

test("one-key watchers get their key's events only, in order, beside a range watcher", () => {
  const fanout = new CacheFanout(1);
  const n1 = one("/registry/minions/n1");
  const n1b = one("/registry/minions/n1", 4);
  const n2 = one("/registry/minions/n2");
  // A key that only starts with n1's: not n1's watcher's.
  const n10 = one("/registry/minions/n10");
  const all = subscriber("/registry/minions/", "/registry/minions0");
  for (const s of [n1, n1b, n2, n10, all]) expect(fanout.subscribe(s.sub)).toBe(true);
  expect(fanout.size).toBe(5);
  fanout.dispatch([put("/registry/minions/n1", 2)], 2, 0);
  fanout.dispatch(
    [put("/registry/minions/n2", 3), put("/registry/minions/n1", 4), put("/registry/minions/n1", 5)],
    5,
    0,
  );
  fanout.dispatch([put("/registry/minions/n3", 6)], 6, 0);
  expect(n1.got).toEqual(["/registry/minions/n1@2", "/registry/minions/n1@4 /registry/minions/n1@5"]);
  expect(n1b.got).toEqual(["/registry/minions/n1@4 /registry/minions/n1@5"]);
  expect(n2.got).toEqual(["/registry/minions/n2@3"]);
  expect(n10.got).toEqual([]);
  expect(all.got).toEqual([
    "/registry/minions/n1@2",
    "/registry/minions/n2@3 /registry/minions/n1@4 /registry/minions/n1@5",
    "/registry/minions/n3@6",
  ]);

  // Unsubscribed: nothing more, and a new watcher of the key is found again.
  fanout.unsubscribe(n1.sub);
  fanout.unsubscribe(n1b.sub);
  fanout.dispatch([put("/registry/minions/n1", 7)], 7, 0);
  expect(n1.got.length).toBe(2);
  const again = one("/registry/minions/n1", 8);
  expect(fanout.subscribe(again.sub)).toBe(true);
  fanout.dispatch([put("/registry/minions/n1", 8)], 8, 0);
  expect(again.got).toEqual(["/registry/minions/n1@8"]);
  // A one-key watcher from a past revision replays the window's events of its key.
  const late = one("/registry/minions/n2", 3);
  expect(fanout.subscribe(late.sub)).toBe(true);
  expect(late.got).toEqual(["/registry/minions/n2@3"]);
  fanout.end();
  expect([again.got.at(-1), n2.got.at(-1), all.got.at(-1)]).toEqual(["ended", "ended", "ended"]);
  expect(fanout.size).toBe(0);
});

test("5000 one-key watchers: an event reaches its one watcher without a check per watcher", () => {
  const fanout = new CacheFanout(1);
  const subs = Array.from({ length: 5000 }, (_, i) => one(`/registry/minions/n${i}`));
  for (const s of subs) fanout.subscribe(s.sub);
  // Count the reads of the event's key: the old fan-out compared it with every watcher's range.
  const event = put("/registry/minions/n4321", 2);
  let reads = 0;
  const key = event.key;
  Object.defineProperty(event, "key", {
    get: () => {
      reads++;
      return key;
    },
  });
  fanout.dispatch([event], 2, 0);
  expect(subs[4321]?.got).toEqual(["/registry/minions/n4321@2"]);
  expect(subs.filter((s) => s.got.length > 0).length).toBe(1);
  expect(reads).toBeLessThan(10);
});

test("the window is bounded by bytes as well as by count; a watch from before it is not served", () => {
  const limits = { ...WINDOW_LIMITS, min: 3, maxBytes: 10 * 1200 };
  const fanout = new CacheFanout(1, limits);
  const current = subscriber("/registry/pods/", "/registry/pods0");
  expect(fanout.subscribe(current.sub)).toBe(true);
  // 1000-byte objects: about 10 fit (each also counts its key and records).
  for (let rev = 2; rev <= 41; rev++)
    fanout.dispatch([put(`/registry/pods/ns/p${rev % 7}`, rev, 1000)], rev, 0);
  // The current watcher got every event all the same.
  expect(current.got.length).toBe(40);
  const { events, bytes, held } = fanout.windowSize;
  expect(bytes).toBeLessThanOrEqual(limits.maxBytes);
  expect(bytes).toBeGreaterThan(limits.maxBytes - 1300);
  expect(events).toBe(Math.floor(limits.maxBytes / eventBytes(put("/registry/pods/ns/p1", 40, 1000))));
  // Passed entries are emptied, not only skipped: the array holds nothing it no longer serves.
  expect(held).toBe(events);
  const first = 42 - events;
  expect(fanout.windowStart).toBe(first);
  // From the window's first revision: replayed from memory, in order; one before it: the store's.
  const late = subscriber("/registry/pods/", "/registry/pods0", first);
  expect(fanout.subscribe(late.sub)).toBe(true);
  expect(late.got).toEqual([
    Array.from({ length: events }, (_, i) => `/registry/pods/ns/p${(first + i) % 7}@${first + i}`).join(" "),
  ]);
  expect(fanout.subscribe(subscriber("/registry/pods/", "/registry/pods0", first - 1).sub)).toBe(false);
});

test("the window keeps its minimum however large the events, and fresh small events up to its count", () => {
  const fanout = new CacheFanout(1, { ...WINDOW_LIMITS, min: 4, maxBytes: 100, maxEvents: 50 });
  for (let rev = 2; rev <= 11; rev++)
    fanout.dispatch([put(`/registry/pods/ns/big${rev}`, rev, 5000)], rev, 0);
  expect(fanout.windowSize.events).toBe(4);
  expect(fanout.windowStart).toBe(8);
  // A delete counts the object it removed.
  const big = put("/registry/pods/ns/big11", 11, 5000);
  const tombstone = { ...big.kv, value: new Uint8Array(0), modRevision: 12 };
  const del = new CacheEvent("delete", big.key, tombstone, big.kv);
  expect(eventBytes(del)).toBe(eventBytes(big));
  const small = new CacheFanout(1, { ...WINDOW_LIMITS, min: 4, maxEvents: 50 });
  for (let rev = 2; rev <= 81; rev++) small.dispatch([put(`/registry/leases/n${rev}`, rev)], rev, rev * 1000);
  expect(small.windowSize).toEqual({ events: 50, bytes: expect.any(Number) as number, held: 50 });
  // Older than freshMs: down to the minimum.
  small.dispatch([put("/registry/leases/n0", 82)], 82, 82_000 + WINDOW_LIMITS.freshMs + 1);
  expect(small.windowSize.events).toBe(4);
  expect(small.windowStart).toBe(79);
});
