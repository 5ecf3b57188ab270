// The shared store watch of the etcd front: members of one range share one store watch and get
// its batches in order from their own start; a member that would miss delivered revisions is
// refused; progress goes to whoever asked; a cut-off store watch resumes; a failed one detaches
// every member at the right revision; the last member leaving closes it.
import { expect, test } from "bun:test";
import { CompactedError, WatchCancelledError } from "../../storage/errors.ts";
import { bytes } from "../../storage/keys.ts";
import type { KV, Watch, WatchBatch, WatchEvent, WatchOptions } from "../../storage/kv.ts";
import { type FanoutMember, type SharedWatchSpec, WatchFanout } from "./watch-fanout.ts";

/** A store watch the test feeds by hand. */
class FakeWatch implements Watch {
  private readonly items: (WatchBatch | Error)[] = [];
  private wake: (() => void) | undefined;
  closed = false;
  progressAsked = 0;
  constructor(readonly options: WatchOptions) {}
  push(item: WatchBatch | Error): void {
    this.items.push(item);
    this.wake?.();
  }
  requestProgress(): void {
    this.progressAsked++;
  }
  close(): void {
    this.closed = true;
    this.wake?.();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<WatchBatch> {
    for (;;) {
      const item = this.items.shift();
      if (item instanceof Error) throw item;
      if (item) {
        yield item;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}

function fakeKv(): { kv: KV; watches: FakeWatch[] } {
  const watches: FakeWatch[] = [];
  const kv = {
    watch: (_range: unknown, options: WatchOptions = {}) => {
      const w = new FakeWatch(options);
      watches.push(w);
      return w;
    },
  } as unknown as KV;
  return { kv, watches };
}

function event(rev: number): WatchEvent {
  return {
    type: "put",
    kv: {
      key: bytes(`/a/${rev}`),
      value: bytes("v"),
      createRevision: rev,
      modRevision: rev,
      version: 1,
      lease: 0,
    },
  };
}

const spec: SharedWatchSpec = { key: bytes("/a/"), end: bytes("/a0"), prevKv: false, filters: [] };

function member(start: number): FanoutMember & { got: string[]; detachedAt?: number } {
  const m: FanoutMember & { got: string[]; detachedAt?: number } = {
    start,
    got: [],
    deliver: (batch) => {
      m.got.push(
        batch.events.length === 0
          ? `progress@${batch.revision}`
          : batch.events.map((e) => e.kv.modRevision).join(","),
      );
    },
    detach: (next) => {
      m.detachedAt = next;
    },
  };
  return m;
}

const ticks = async (n = 5) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
  await Bun.sleep(0);
};

test("members of one range share one store watch and each gets the batches from its own start", async () => {
  const { kv, watches } = fakeKv();
  const fanout = new WatchFanout(kv);
  const a = member(10);
  const b = member(10);
  fanout.join(spec, a);
  fanout.join(spec, b);
  expect(watches.length).toBe(1);
  expect(watches[0]?.options.startRevision).toBe(10);
  const store = watches[0] as FakeWatch;
  store.push({ events: [event(10)], revision: 10 });
  await ticks();
  // c joins after 10 was handed out, from 12: it gets 12 of the batch 11,12 and everything after.
  const c = member(12);
  expect(fanout.join(spec, c)).toBeDefined();
  store.push({ events: [event(11), event(12)], revision: 12 });
  store.push({ events: [event(13)], revision: 13 });
  await ticks();
  expect(a.got).toEqual(["10", "11,12", "13"]);
  expect(b.got).toEqual(["10", "11,12", "13"]);
  expect(c.got).toEqual(["12", "13"]);
  // Another range (or other options) is a store watch of its own.
  fanout.join({ ...spec, prevKv: true }, member(14));
  expect(watches.length).toBe(2);
  expect(fanout.size).toBe(2);
});

test("a member that wants a revision already handed out is refused (it watches alone)", async () => {
  const { kv, watches } = fakeKv();
  const fanout = new WatchFanout(kv);
  fanout.join(spec, member(5));
  (watches[0] as FakeWatch).push({ events: [event(5), event(6)], revision: 6 });
  await ticks();
  expect(fanout.join(spec, member(6))).toBeUndefined();
  expect(fanout.join(spec, member(3))).toBeUndefined();
  expect(fanout.join(spec, member(7))).toBeDefined();
  expect(watches.length).toBe(1);
});

test("a progress batch goes only to the members that asked for one", async () => {
  const { kv, watches } = fakeKv();
  const fanout = new WatchFanout(kv);
  const a = member(1);
  const b = member(1);
  const ma = fanout.join(spec, a);
  fanout.join(spec, b);
  ma?.requestProgress();
  const store = watches[0] as FakeWatch;
  expect(store.progressAsked).toBe(1);
  store.push({ events: [event(1)], revision: 1 });
  store.push({ events: [], revision: 7 });
  store.push({ events: [], revision: 8 });
  await ticks();
  expect(a.got).toEqual(["1", "progress@7"]);
  expect(b.got).toEqual(["1"]);
});

test("a store watch cut off for falling behind resumes after its last revision, unseen by members", async () => {
  const { kv, watches } = fakeKv();
  const fanout = new WatchFanout(kv);
  const a = member(1);
  fanout.join(spec, a);
  (watches[0] as FakeWatch).push({ events: [event(1)], revision: 1 });
  (watches[0] as FakeWatch).push(new WatchCancelledError(1, "behind"));
  await ticks();
  expect(watches.length).toBe(2);
  expect(watches[1]?.options.startRevision).toBe(2);
  (watches[1] as FakeWatch).push({ events: [event(2)], revision: 2 });
  await ticks();
  expect(a.got).toEqual(["1", "2"]);
  expect(a.detachedAt).toBeUndefined();
});

test("a failed store watch detaches every member at the revision it goes on from", async () => {
  const { kv, watches } = fakeKv();
  const fanout = new WatchFanout(kv);
  const a = member(1);
  const b = member(1);
  fanout.join(spec, a);
  fanout.join(spec, b);
  const store = watches[0] as FakeWatch;
  store.push({ events: [event(1), event(2)], revision: 2 });
  await ticks();
  const c = member(9);
  fanout.join(spec, c);
  store.push(new CompactedError(3, 4));
  await ticks();
  expect([a.detachedAt, b.detachedAt, c.detachedAt]).toEqual([3, 3, 9]);
  expect(fanout.size).toBe(0);
  // The next member opens a new shared watch.
  fanout.join(spec, member(20));
  expect(watches.length).toBe(2);
});

test("a member that throws is dropped, the others still served; the last leaving closes the store watch", async () => {
  const { kv, watches } = fakeKv();
  const fanout = new WatchFanout(kv);
  const bad: FanoutMember = {
    start: 1,
    deliver: () => {
      throw new Error("boom");
    },
    detach: () => {},
  };
  const a = member(1);
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  try {
    fanout.join(spec, bad);
    const ma = fanout.join(spec, a);
    const store = watches[0] as FakeWatch;
    store.push({ events: [event(1)], revision: 1 });
    store.push({ events: [event(2)], revision: 2 });
    await ticks();
    expect(a.got).toEqual(["1", "2"]);
    expect(errors.length).toBe(1);
    ma?.leave();
    expect(store.closed).toBe(true);
    expect(fanout.size).toBe(0);
    ma?.leave(); // twice is harmless
  } finally {
    console.error = original;
  }
});
