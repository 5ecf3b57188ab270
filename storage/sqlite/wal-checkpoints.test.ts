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
    for (let i = 0; i < 20; i++) await Promise.resolve();
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
    quietMs: 15,
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

  test("a checkpoint no commit overlapped ends the run: the next write starts the WAL over", async () => {
    const s = scripted([500]);
    const events: string[] = [];
    const p = policy(s.cp, events);
    p.committed(10);
    await s.step();
    await Bun.sleep(40); // past quietMs: no checkpoint follows
    expect(s.calls).toEqual(["checkpoint"]);
    expect(events).toEqual(["share", "own"]);
    await p.close();
  });

  test("overlapped by commits: one more checkpoint at the next quiet moment, none while they go on", async () => {
    const s = scripted([200, 205, 20]);
    const events: string[] = [];
    const p = policy(s.cp, events);
    p.committed(10);
    p.committed(1); // commits while the thread checkpoints
    await s.step(); // a short one follows whatever overlapped the first...
    expect(s.calls.length).toBe(2);
    for (let i = 0; i < 3; i++) p.committed(1);
    await s.step(); // ...but with three commits over it, no more back to back
    expect(events).toEqual(["share", "own"]);
    expect(s.calls.length).toBe(2);
    // Commits every few ms, fewer than everyWrites: no quiet moment, no checkpoint.
    for (let i = 0; i < 5; i++) {
      await Bun.sleep(4);
      p.committed(1);
    }
    expect(s.calls.length).toBe(2);
    // Quiet: the short checkpoint runs, with the writer's lock shared around it.
    const deadline = Date.now() + 2000;
    while (s.calls.length < 3 && Date.now() < deadline) await Bun.sleep(5);
    expect(s.calls.length).toBe(3);
    await s.step();
    expect(events).toEqual(["share", "own", "share", "own"]);
    await Bun.sleep(40);
    expect(s.calls.length).toBe(3);
    await p.close();
  });

  test("a large WAL: while a commit or two overlap, short checkpoints follow at once; one nothing overlaps ends the run", async () => {
    const s = scripted([200, 210, 215]);
    const events: string[] = [];
    const p = policy(s.cp, events);
    p.committed(10);
    p.committed(1);
    await s.step(); // one commit overlapped: again
    expect(s.calls.length).toBe(2);
    p.committed(1);
    p.committed(1);
    await s.step(); // two: again
    expect(s.calls.length).toBe(3);
    await s.step(); // none: the next write restarts the WAL
    await Bun.sleep(40);
    expect(s.calls.length).toBe(3);
    expect(events).toEqual(["share", "own"]);
    await p.close();
  });

  test("overlapped with a small WAL: nothing more until the next run", async () => {
    const s = scripted([50]);
    const events: string[] = [];
    const p = policy(s.cp, events);
    p.committed(10);
    p.committed(1);
    await s.step();
    await Bun.sleep(40);
    expect(s.calls).toEqual(["checkpoint"]);
    await p.close();
  });

  test("overlapped past the limit: a catch-up checkpoint, then one with writes held, released after it", async () => {
    const s = scripted([500, 510, 30, 12]);
    const events: string[] = [];
    const p = policy(s.cp, events);
    p.committed(10);
    p.committed(1);
    await s.step(); // a commit came meanwhile: a short one
    expect(s.calls.length).toBe(2);
    for (let i = 0; i < 3; i++) p.committed(1);
    await s.step(); // past the limit, and a steady stream: the catch-up
    expect(events).toEqual(["share"]);
    expect(s.calls.length).toBe(3);
    await s.step();
    expect(events).toEqual(["share", "hold"]);
    expect(s.calls.length).toBe(4);
    await s.step();
    expect(events).toEqual(["share", "hold", "release", "own"]);
    await p.close();
    expect(s.calls.at(-1)).toBe("close");
  });

  test("close ends a wait for a quiet moment", async () => {
    const s = scripted([200, 205]);
    const p = policy(s.cp, []);
    p.committed(10);
    p.committed(1);
    await s.step();
    for (let i = 0; i < 3; i++) p.committed(1);
    await s.step();
    await p.close();
    await Bun.sleep(40);
    expect(s.calls).toEqual(["checkpoint", "checkpoint", "close"]);
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
