// A KV wrapped as a Component, so that supervise() closes it like every other part, after the
// components started on top of it have stopped.
import type { Component } from "../lib/component.ts";
import type { KV } from "../storage/kv.ts";

export function storeComponent(kv: KV, name = "store"): Component {
  const done = Promise.withResolvers<void>();
  let closing: Promise<void> | undefined;
  return {
    name,
    ready: Promise.resolve(),
    done: done.promise,
    stop: () => {
      closing ??= kv.close().finally(() => done.resolve());
      return closing;
    },
  };
}
