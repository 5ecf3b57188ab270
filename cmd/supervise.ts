// Runs components the way `kube server` and `kube etcd` need: started in order, each one ready
// before the next starts (k3s's ordered start), then kept until SIGINT/SIGTERM or a crash, and
// stopped in reverse order. Returns the exit status; only cmd/main.ts turns it into an exit.

import type { Component } from "../lib/component.ts";
import { verbose } from "../lib/log/verbosity.ts";

/**
 * Starts one component; it may rely on everything started before it being ready. `stopping`
 * settles when a stop is asked for: a starter that waits long (many kubelets) gives up on it.
 */
export type Starter = (stopping?: Promise<"stop">) => Promise<Component>;

export interface SuperviseOptions {
  /** Prefix of every log line, e.g. "kube etcd". */
  prog: string;
  starters: Starter[];
  /** Called once every component is ready, e.g. to print where things run. */
  onReady?: (components: Component[]) => void;
  /** Where log lines go; stderr by default. */
  log?: (line: string) => void;
  /** Told which signal asked for the stop, before anything stops (the kubelet: SIGINT stops pods). */
  onStopRequested?: (signal: string) => void;
  /**
   * A second signal cuts the orderly stop short: this runs (at most `forceTimeoutMs`), then
   * supervise returns 130. The kubelet kills and removes its pods here, so nothing is left.
   */
  onForce?: () => Promise<void>;
  forceTimeoutMs?: number;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}

/**
 * 0 when stopped by a signal, 1 when a component failed to start or crashed, 130 when a
 * second signal cut the shutdown short.
 */
export async function supervise(options: SuperviseOptions): Promise<number> {
  const log = options.log ?? ((line: string) => console.error(line));
  const { prog } = options;
  const stopRequested = Promise.withResolvers<string>();
  const forced = Promise.withResolvers<number>();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      options.onStopRequested?.(signal);
      stopRequested.resolve(signal);
    } else if (signals === 2 && options.onForce) {
      log(`${prog}: ${signal} again: stopping now (once more to exit at once)`);
      const cleanup = options.onForce().catch((error: unknown) => log(`${prog}: ${firstLine(error)}`));
      const limit = new Promise<void>((resolve) => setTimeout(resolve, options.forceTimeoutMs ?? 10_000));
      void Promise.race([cleanup, limit]).then(() => forced.resolve(130));
    } else forced.resolve(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const running: Component[] = [];
  const stopping = stopRequested.promise.then(() => "stop" as const);
  const lifecycle = async (): Promise<number> => {
    let status = 0;
    try {
      // --v=2: each component as it becomes ready (upstream logs its start-up at V(2)).
      const ready = (name: string): void => {
        if (verbose(2)) log(`${prog}: ${name} ready`);
      };
      if (await startAll(options.starters, running, stopping, ready)) {
        options.onReady?.(running);
        const crashed = running.map((c) =>
          c.done.then(
            () => `${c.name} exited unexpectedly`,
            (error: unknown) => `${c.name} failed: ${firstLine(error)}`,
          ),
        );
        const reason = await Promise.race([stopping, ...crashed]);
        if (reason !== "stop") {
          log(`${prog}: ${reason}`);
          status = 1;
        }
      }
    } catch (error) {
      log(`${prog}: ${firstLine(error)}`);
      status = 1;
    }
    for (const component of [...running].reverse()) {
      // A stop that hangs is named, so a stuck shutdown says what it waits for.
      const slow = setTimeout(() => log(`${prog}: still stopping ${component.name} after 5 s`), 5000);
      try {
        await component.stop();
      } catch (error) {
        log(`${prog}: stopping ${component.name}: ${firstLine(error)}`);
        status = 1;
      } finally {
        clearTimeout(slow);
      }
    }
    if (status === 0) log(`${prog}: stopped`);
    return status;
  };
  try {
    const status = await Promise.race([lifecycle(), forced.promise]);
    // A second signal cut the orderly stop short, even if it then finished in time.
    return signals >= 2 ? 130 : status;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** Starts in order; false when a stop was requested before everything was ready. */
async function startAll(
  starters: Starter[],
  running: Component[],
  stopping: Promise<"stop">,
  onComponentReady: (name: string) => void,
): Promise<boolean> {
  for (const start of starters) {
    const component = await start(stopping);
    running.push(component);
    // A crash is reported through the race in supervise(); never as an unhandled rejection.
    component.done.catch(() => {});
    const ready = await Promise.race([component.ready.then(() => "ready" as const), stopping]);
    if (ready === "stop") return false;
    onComponentReady(component.name);
  }
  return true;
}
