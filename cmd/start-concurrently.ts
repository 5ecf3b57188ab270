// Many like components (kube server's N kubelets) started side by side, at most `limit` at a
// time, as one Component: ready when every one is, done when the first ends, stopped together.
// Started one after another, 5000 fake kubelets took minutes and early nodes went NotReady. A stop
// asked for meanwhile ends the start at once: no further one starts, none is waited for.

import type { Component } from "../lib/component.ts";
import type { Starter } from "./supervise.ts";

/**
 * One starter for all of `starters`; a start that fails stops the ones already started. When
 * `stopping` settles first, the lanes take no new starter and stop waiting for readiness: the
 * Component returned holds the ones started so far (ready never, so supervise sees the stop first).
 */
export function startConcurrently(name: string, starters: Starter[], limit: number): Starter {
  return async (stopping) => {
    const started: Component[] = [];
    let next = 0;
    let failure: unknown;
    let stopped = false;
    const stop = stopping?.then(() => {
      stopped = true;
      return "stop" as const;
    });
    const lane = async (): Promise<void> => {
      while (!stopped && failure === undefined && next < starters.length) {
        const start = starters[next++] as Starter;
        try {
          const component = await start(stopping);
          started.push(component);
          // Each waits for its own readiness here, so at most `limit` are coming up at once.
          if (stop) await Promise.race([component.ready, stop]);
          else await component.ready;
        } catch (error) {
          failure ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, starters.length)) }, lane));
    if (failure !== undefined && !stopped) {
      await Promise.allSettled(started.map((c) => c.stop()));
      throw failure;
    }
    return {
      name,
      ready: stopped ? new Promise<void>(() => {}) : Promise.resolve(),
      done: started.length ? Promise.race(started.map((c) => c.done)) : new Promise<void>(() => {}),
      stop: async () => {
        const results = await Promise.allSettled(started.map((c) => c.stop()));
        const failed = results.find((r) => r.status === "rejected");
        if (failed) throw failed.reason;
      },
    };
  };
}
