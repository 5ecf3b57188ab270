// Crash-loop back-off per container (upstream flowcontrol.Backoff as the kubelet uses it):
// 10 s doubling to 5 min, reset when the container ran for 10 minutes without exiting.

export class Backoff {
  private readonly entries = new Map<string, { delayMs: number; until: number }>();
  constructor(
    private readonly initialMs = 10_000,
    private readonly maxMs = 300_000,
  ) {}

  /** Records a restart of `key` at `now`; returns when the next start may happen. */
  next(key: string, now: number, ranForMs: number): number {
    const old = this.entries.get(key);
    const delayMs = !old || ranForMs >= 600_000 ? this.initialMs : Math.min(old.delayMs * 2, this.maxMs);
    const entry = { delayMs, until: now + delayMs };
    this.entries.set(key, entry);
    return entry.until;
  }

  /** The time before which `key` may not restart, or 0. */
  until(key: string): number {
    return this.entries.get(key)?.until ?? 0;
  }

  delay(key: string): number {
    return this.entries.get(key)?.delayMs ?? this.initialMs;
  }

  forget(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
