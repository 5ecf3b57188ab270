// Splitting one oversized watch response into fragments.
import { expect, test } from "bun:test";
import type { WireEvent } from "../../storage/etcd/wire.ts";
import { eventSize, fragmentEvents } from "./watch-fragments.ts";

const event = (valueBytes: number): WireEvent => ({
  type: "PUT",
  kv: {
    key: new Uint8Array(4),
    value: new Uint8Array(valueBytes),
    create_revision: 1,
    mod_revision: 1,
    version: 1,
    lease: 0,
  },
});

test("fragments keep under the limit, hold at least one event, and keep order", () => {
  const events = [event(100), event(100), event(100), event(5000), event(10)];
  const limit = eventSize(event(100)) * 2 + 1;
  const parts = fragmentEvents(events, limit);
  expect(parts.map((p) => p.length)).toEqual([2, 1, 1, 1]);
  expect(parts.flat()).toEqual(events);
  expect(fragmentEvents([], limit)).toEqual([[]]);
  expect(fragmentEvents(events, 1 << 20)).toEqual([events]);
});
