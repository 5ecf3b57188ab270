// Writes that find the WAL's write lock taken (driver.ts's WriteLockBusyError: in kube, by its
// own checkpointer thread for a moment) try again after a short pause instead of failing, and
// without blocking the event loop as SQLite's busy_timeout would; only a lock held for the whole
// budget (another program in the file) fails the write, as SQLite's "database is locked".
import { WriteLockBusyError } from "./driver.ts";

/** Pauses before each try again, in ms; the last one repeats. */
const PAUSES = [0, 1, 2, 5, 10, 20, 50];

/** How long writes wait for the lock in all before they fail. */
export const BUSY_BUDGET_MS = 5000;

/** The pauses of one run of busy tries: `next` after each busy try, `reset` after a success. */
export class BusyBackoff {
  private tries = 0;
  private since = 0;

  constructor(
    private readonly budgetMs = BUSY_BUDGET_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The pause before the next try, or undefined once the budget is spent (and a new run starts). */
  next(): number | undefined {
    if (this.tries === 0) this.since = this.now();
    if (this.now() - this.since >= this.budgetMs) {
      this.reset();
      return undefined;
    }
    return PAUSES[Math.min(this.tries++, PAUSES.length - 1)];
  }

  reset(): void {
    this.tries = 0;
  }
}

/**
 * Runs `fn` (a transaction: it throws WriteLockBusyError before anything ran) now, and again after
 * a pause while it finds the lock taken. The first try is synchronous.
 */
export async function whenWritable<T>(fn: () => T, budgetMs = BUSY_BUDGET_MS): Promise<T> {
  const backoff = new BusyBackoff(budgetMs);
  for (;;) {
    try {
      return fn();
    } catch (err) {
      const pause = err instanceof WriteLockBusyError ? backoff.next() : undefined;
      if (pause === undefined) throw err;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
