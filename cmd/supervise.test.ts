// supervise(): ordered start, reverse stop on a signal, and exit statuses on failures.

import { expect, test } from "bun:test";
import type { Component } from "../lib/component.ts";
import { type Starter, supervise } from "./supervise.ts";

interface Fake {
  starter: Starter;
  crash(error: Error): void;
}

function fake(name: string, events: string[], options: { failReady?: boolean } = {}): Fake {
  const done = Promise.withResolvers<void>();
  const component: Component = {
    name,
    ready: options.failReady ? Promise.reject(new Error(`${name} cannot bind`)) : Promise.resolve(),
    done: done.promise,
    stop: async () => {
      events.push(`stop ${name}`);
      done.resolve();
    },
  };
  return {
    starter: async () => {
      events.push(`start ${name}`);
      return component;
    },
    crash: (error) => done.reject(error),
  };
}

/** Resolves once `predicate` holds, checking on every tick (no fixed sleeps). */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setImmediate(resolve));
}

test("starts in order, stops in reverse on SIGTERM, exits 0", async () => {
  const events: string[] = [];
  const logs: string[] = [];
  const a = fake("a", events);
  const b = fake("b", events);
  let readyCalls = 0;
  const status = supervise({
    prog: "kt",
    starters: [a.starter, b.starter],
    onReady: () => readyCalls++,
    log: (line) => logs.push(line),
  });
  await until(() => readyCalls === 1);
  process.emit("SIGTERM", "SIGTERM");
  expect(await status).toBe(0);
  expect(events).toEqual(["start a", "start b", "stop b", "stop a"]);
  expect(logs).toEqual(["kt: stopped"]);
});

test("a crash stops the others and exits 1 with one line", async () => {
  const events: string[] = [];
  const logs: string[] = [];
  const a = fake("a", events);
  const b = fake("b", events);
  let ready = false;
  const status = supervise({
    prog: "kt",
    starters: [a.starter, b.starter],
    onReady: () => {
      ready = true;
    },
    log: (line) => logs.push(line),
  });
  await until(() => ready);
  b.crash(new Error("disk full\nwith detail"));
  expect(await status).toBe(1);
  expect(events).toEqual(["start a", "start b", "stop b", "stop a"]);
  expect(logs).toEqual(["kt: b failed: disk full"]);
});

test("a component that fails to become ready stops what started and exits 1", async () => {
  const events: string[] = [];
  const logs: string[] = [];
  const status = await supervise({
    prog: "kt",
    starters: [
      fake("a", events).starter,
      fake("b", events, { failReady: true }).starter,
      fake("c", events).starter,
    ],
    log: (line) => logs.push(line),
  });
  expect(status).toBe(1);
  expect(events).toEqual(["start a", "start b", "stop b", "stop a"]);
  expect(logs).toEqual(["kt: b cannot bind"]);
});

test("a starter that throws exits 1 without calling onReady", async () => {
  const events: string[] = [];
  const logs: string[] = [];
  const status = await supervise({
    prog: "kt",
    starters: [
      fake("a", events).starter,
      async () => {
        throw new Error("data dir is in use by process 42");
      },
    ],
    onReady: () => events.push("ready"),
    log: (line) => logs.push(line),
  });
  expect(status).toBe(1);
  expect(events).toEqual(["start a", "stop a"]);
  expect(logs).toEqual(["kt: data dir is in use by process 42"]);
});

test("onStopRequested hears the signal; a second one runs onForce, then exits 130", async () => {
  const events: string[] = [];
  const logs: string[] = [];
  const hang = Promise.withResolvers<void>();
  const stuck: Component = {
    name: "stuck",
    ready: Promise.resolve(),
    done: hang.promise,
    stop: () => hang.promise,
  };
  let ready = false;
  const status = supervise({
    prog: "kt",
    starters: [async () => stuck],
    onReady: () => {
      ready = true;
    },
    onStopRequested: (signal) => events.push(`requested ${signal}`),
    onForce: async () => {
      events.push("force");
    },
    log: (line) => logs.push(line),
  });
  await until(() => ready);
  process.emit("SIGINT", "SIGINT");
  await until(() => events.length === 1);
  process.emit("SIGINT", "SIGINT");
  expect(await status).toBe(130);
  hang.resolve();
  expect(events).toEqual(["requested SIGINT", "force"]);
  expect(logs).toEqual(["kt: SIGINT again: stopping now (once more to exit at once)"]);
});

test("--v=2 logs each component as it becomes ready", async () => {
  const { setVerbosity } = await import("../lib/log/verbosity.ts");
  setVerbosity(2);
  const events: string[] = [];
  const logs: string[] = [];
  let ready = false;
  const status = supervise({
    prog: "kt",
    starters: [fake("a", events).starter],
    onReady: () => {
      ready = true;
    },
    log: (line) => logs.push(line),
  });
  await until(() => ready);
  process.emit("SIGTERM", "SIGTERM");
  expect(await status).toBe(0);
  setVerbosity(0);
  expect(logs).toEqual(["kt: a ready", "kt: stopped"]);
});
