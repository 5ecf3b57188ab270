import { describe, expect, test } from "bun:test";
import type { Component } from "../lib/component.ts";
import { startConcurrently } from "./start-concurrently.ts";
import type { Starter } from "./supervise.ts";

interface Probe {
  starters: Starter[];
  stopped: string[];
  maxStarting: () => number;
  finish: (name: string, error?: Error) => void;
}

/** `count` components that become ready after a tick; tracks how many start at once. */
function probe(count: number, failAt = -1): Probe {
  let starting = 0;
  let max = 0;
  const stopped: string[] = [];
  const ends = new Map<string, PromiseWithResolvers<void>>();
  const starters = Array.from(
    { length: count },
    (_, i): Starter =>
      async () => {
        const name = `c${i}`;
        starting++;
        max = Math.max(max, starting);
        await Bun.sleep(1);
        if (i === failAt) {
          starting--;
          throw new Error(`${name} failed to start`);
        }
        const end = Promise.withResolvers<void>();
        ends.set(name, end);
        const component: Component = {
          name,
          ready: Bun.sleep(2).then(() => {
            starting--;
          }),
          done: end.promise,
          stop: async () => {
            stopped.push(name);
            end.resolve();
          },
        };
        return component;
      },
  );
  return {
    starters,
    stopped,
    maxStarting: () => max,
    finish: (name, error) => (error ? ends.get(name)?.reject(error) : ends.get(name)?.resolve()),
  };
}

describe("startConcurrently", () => {
  test("starts every component, at most `limit` coming up at once; stops them all", async () => {
    const p = probe(50);
    const all = await startConcurrently("kubelets", p.starters, 8)();
    await all.ready;
    expect(all.name).toBe("kubelets");
    expect(p.maxStarting()).toBe(8);
    await all.stop();
    expect(p.stopped.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `c${i}`).sort());
  });

  test("a start that fails stops the ones started and rethrows; the rest never start", async () => {
    const p = probe(40, 5);
    await expect(startConcurrently("kubelets", p.starters, 4)()).rejects.toThrow("c5 failed to start");
    expect(p.stopped.length).toBeGreaterThan(0);
    expect(p.stopped.length).toBeLessThan(40);
  });

  test("done ends with the first component that ends (a crash rejects it)", async () => {
    const p = probe(3);
    const all = await startConcurrently("kubelets", p.starters, 2)();
    p.finish("c1", new Error("c1 crashed"));
    await expect(all.done).rejects.toThrow("c1 crashed");
  });

  test("a stop asked for while kubelets come up ends the start: no new start, the started ones stop", async () => {
    let begun = 0;
    const stopped: string[] = [];
    const never =
      (i: number): Starter =>
      async () => {
        begun++;
        return {
          name: `k${i}`,
          ready: new Promise<void>(() => {}), // never Ready, as a kubelet under a registration storm
          done: new Promise<void>(() => {}),
          stop: async () => {
            stopped.push(`k${i}`);
          },
        };
      };
    const stop = Promise.withResolvers<"stop">();
    const starting = startConcurrently(
      "kubelets",
      Array.from({ length: 20 }, (_, i) => never(i)),
      4,
    )(stop.promise);
    while (begun < 4) await Bun.sleep(1);
    stop.resolve("stop");
    const all = await starting;
    expect(begun).toBe(4);
    const ready = await Promise.race([all.ready.then(() => "ready"), Bun.sleep(20).then(() => "not ready")]);
    expect(ready).toBe("not ready");
    await all.stop();
    expect(stopped.sort()).toEqual(["k0", "k1", "k2", "k3"]);
  });
});
