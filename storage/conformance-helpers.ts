// Helpers of the conformance suite: a fresh key prefix per test, reading watch batches with a
// deadline, rejections as values, and polling for a condition (never a fixed sleep).
import { bytes, prefixRange, text } from "./keys.ts";
import type { Watch, WatchBatch, WatchEvent } from "./kv.ts";

let counter = 0;
/** A fresh key prefix per test, so tests never see each other's keys. */
export function scope(): { k: (s: string) => Uint8Array; all: { key: Uint8Array; end: Uint8Array } } {
  const base = `/conformance/${process.pid}-${Date.now()}-${counter++}/`;
  return { k: (s) => bytes(base + s), all: prefixRange(bytes(base)) };
}

export const names = (kvs: { key: Uint8Array }[]) => kvs.map((kv) => text(kv.key).replace(/^.*\//, ""));

/** Read batches until `want` events arrived (or fail after `ms`: a deadline, not a sleep). */
export async function collect(w: Watch, want: number, ms = 5000): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  const it = w[Symbol.asyncIterator]();
  const deadline = Date.now() + ms;
  while (events.length < want) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`watch delivered ${events.length} of ${want} events within ${ms} ms`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const next = await Promise.race([
      it.next(),
      new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), left);
      }),
    ]);
    clearTimeout(timer);
    if (next === "timeout") continue;
    if (next.done) break;
    events.push(...(next.value as WatchBatch).events);
  }
  return events;
}

/**
 * What a promise rejected with (or a marker if it resolved). Not the async `rejects` matcher: under
 * Bun 1.4 async matchers stall node:http2 reads (oven-sh/bun#39796), which hangs the gRPC runs.
 */
export async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => new Error("expected a rejection, but the promise resolved"),
    (err: unknown) => err,
  );
}

export async function waitFor(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await Bun.sleep(50);
  }
}
