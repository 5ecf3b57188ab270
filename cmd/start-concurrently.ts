// Many like components (kube server's N kubelets) started side by side, at most `limit` at a
// time, as one Component: ready when every one is, done when the first ends, stopped together.
// Started one after another, 5000 fake kubelets took minutes and early nodes went NotReady.

import type { Component } from "../lib/component.ts";
import type { Starter } from "./supervise.ts";

/** One starter for all of `starters`; a start that fails stops the ones already started. */
export function startConcurrently(name: string, starters: Starter[], limit: number): Starter {
  return async () => {
    const started: Component[] = [];
    let next = 0;
    let failure: unknown;
    const lane = async (): Promise<void> => {
      while (failure === undefined && next < starters.length) {
        const start = starters[next++] as Starter;
        try {
          const component = await start();
          started.push(component);
          // Each waits for its own readiness here, so at most `limit` are coming up at once.
          await component.ready;
        } catch (error) {
          failure ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, starters.length)) }, lane));
    if (failure !== undefined) {
      await Promise.allSettled(started.map((c) => c.stop()));
      throw failure;
    }
    return {
      name,
      ready: Promise.resolve(),
      done: started.length ? Promise.race(started.map((c) => c.done)) : new Promise<void>(() => {}),
      stop: async () => {
        const results = await Promise.allSettled(started.map((c) => c.stop()));
        const failed = results.find((r) => r.status === "rejected");
        if (failed) throw failed.reason;
      },
    };
  };
}
