// Crash-loop back-off per container, as the kubelet uses upstream's flowcontrol.Backoff: the
// first restart is immediate, then 10 s doubling to 5 min; the delay resets once a container
// ran for 10 minutes without exiting.

export class Backoff {
  private readonly entries = new Map<string, { nextDelayMs: number; delayMs: number; until: number }>();
  constructor(
    private readonly initialMs = 10_000,
    private readonly maxMs = 300_000,
  ) {}

  /** Records an exit of `key` at `finished`; returns when the next start may happen. */
  next(key: string, finished: number, ranForMs: number): number {
    const old = this.entries.get(key);
    const entry =
      !old || ranForMs >= 600_000
        ? { delayMs: 0, nextDelayMs: this.initialMs, until: finished }
        : {
            delayMs: old.nextDelayMs,
            nextDelayMs: Math.min(old.nextDelayMs * 2, this.maxMs),
            until: finished + old.nextDelayMs,
          };
    this.entries.set(key, entry);
    return entry.until;
  }

  /** The time before which `key` may not restart, or 0. */
  until(key: string): number {
    return this.entries.get(key)?.until ?? 0;
  }

  /** The delay of the current back-off of `key` (ms). */
  delay(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  forget(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
