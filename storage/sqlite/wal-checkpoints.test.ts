// WalCheckpoints' policy with a scripted checkpointer: when a background checkpoint starts, when
// writes are held for one, the writer's lock shared only around checkpoints, and the fall back
// to SQLite's own checkpoints when the thread fails.
import { describe, expect, test } from "bun:test";
import type { CheckpointResult, WalCheckpointer } from "./driver.ts";
import { WalCheckpoints } from "./wal-checkpoints.ts";

/** A checkpointer answering with the scripted WAL sizes, one call at a time, when `step` is called. */
function scripted(logs: number[]) {
  const calls: string[] = [];
  let answer: ((r: CheckpointResult) => void) | undefined;
  let failNext: Error | undefined;
  const cp: WalCheckpointer = {
    checkpoint: () => {
      calls.push("checkpoint");
      if (failNext) return Promise.reject(failNext);
      return new Promise((resolve) => {
        answer = resolve;
      });
    },
    close: async () => {
      calls.push("close");
    },
  };
  const step = async () => {
    const log = logs.shift() ?? 0;
    const a = answer;
    answer = undefined;
    a?.({ log, checkpointed: log });
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { cp, calls, step, fail: (e: Error) => (failNext = e) };
}

function policy(cp: WalCheckpointer, events: string[]) {
  return new WalCheckpoints({
    open: () => cp,
    hold: () => {
      events.push("hold");
      return () => events.push("release");
    },
    share: () => events.push("share"),
    own: () => events.push("own"),
    fallBack: (e) => events.push(`fallback ${String(e)}`),
    everyWrites: 10,
    restartFrames: 100,
    limitFrames: 400,
  });
}

describe("WAL checkpoints", () => {
  test("a background checkpoint every `everyWrites` writes, one at a time, and none below", async () => {
    const s = scripted([50, 60]);
    const events: string[] = [];
    const p = policy(s.cp, events);
    p.committed(9);
    expect(s.calls).toEqual([]);
    p.committed(1);
    expect(s.calls).toEqual(["checkpoint"]);
    p.committed(50); // one is running: no second
    expect(s.calls).toEqual(["checkpoint"]);
    await s.step(); // the WAL is small: done, no hold
    p.committed(10);
    expect(s.calls).toEqual(["checkpoint", "checkpoint"]);
    await s.step();
    expect(events).toEqual(["share", "own", "share", "own"]);
  });

  test("a large WAL gets short checkpoints; one that lets the WAL restart ends the round without a hold", async () => {
    const s = scripted([500, 520, 30]);
    const events: string[] = [];
    const p = policy(s.cp, events);
    p.committed(10);
    await s.step(); // 500 frames: try again
    await s.step(); // 520: grew, try again
    await s.step(); // 30: a write restarted the WAL
    expect(s.calls.length).toBe(3);
    expect(events).toEqual(["share", "own"]);
  });

  test("past the limit after the tries, writes are held for one checkpoint and released after it", async () => {
    const s = scripted([500, 510, 520, 530, 540, 12]);
    const events: string[] = [];
    const p = policy(s.cp, events);
    p.committed(10);
    for (let i = 0; i < 5; i++) await s.step();
    expect(events).toEqual(["share", "hold"]);
    expect(s.calls.length).toBe(6);
    await s.step();
    expect(events).toEqual(["share", "hold", "release", "own"]);
    await p.close();
    expect(s.calls.at(-1)).toBe("close");
  });

  test("a failing checkpointer hands checkpoints back to SQLite and is not called again", async () => {
    const s = scripted([]);
    const events: string[] = [];
    const p = policy(s.cp, events);
    s.fail(new Error("boom"));
    p.committed(10);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(events).toEqual(["share", "own", "fallback Error: boom"]);
    p.committed(100);
    expect(s.calls).toEqual(["checkpoint"]);
  });
});
