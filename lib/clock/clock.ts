// Time as a dependency (k8s.io/utils/clock, as client-go's work queue and kwok take it): now(),
// a setTimeout-like after(ms, fn) and an abortable sleep, so time-based logic can be driven by
// FakeClock in tests instead of waiting.

/** A pending after(); stop() cancels it and says whether it had not fired yet (Go's Timer.Stop). */
export interface Timer {
  stop(): boolean;
}

export interface Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number;
  /** Calls `fn` once `ms` have passed (at once for ms <= 0, but never synchronously). */
  after(ms: number, fn: () => void): Timer;
  /** Resolves after `ms`, or as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Resolves after `clock.after(ms)` or on abort, whichever is first; shared by both clocks. */
export function sleepOn(clock: Pick<Clock, "after">, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    };
    const timer = clock.after(ms, done);
    const onAbort = () => {
      timer.stop();
      done();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  after(ms: number, fn: () => void): Timer {
    let pending = true;
    const handle = setTimeout(
      () => {
        pending = false;
        fn();
      },
      Math.max(0, ms),
    );
    return {
      stop: () => {
        clearTimeout(handle);
        const was = pending;
        pending = false;
        return was;
      },
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }
}

/** The wall clock and the event loop's timers. */
export const realClock: Clock = new RealClock();
