// Group commit for the SQLite KV: writes queued in the same turn of the event loop commit in one
// BEGIN IMMEDIATE (one WAL write, one fsync with --fsync); callers are answered and watchers see
// events only after commit. A failing write rolls back alone: a group first runs without
// savepoints (writes rarely throw), and if one throws, the group is rolled back and run again
// with each write inside a savepoint (a write alone needs none: the transaction is its savepoint).
// A group that finds the write lock taken waits and tries again (busy-retry.ts), first in line.
import { StoreClosedError } from "../errors.ts";
import type { WatchEvent } from "../kv.ts";
import { BusyBackoff } from "./busy-retry.ts";
import { type Database, type Statement, WriteLockBusyError } from "./driver.ts";
import type { Writer } from "./writes.ts";

export interface GroupCommitDeps {
  db: Database;
  stmt: (sql: string) => Statement;
  /** The store's revision in memory; `setRevision` moves it as each write of a group commits. */
  revision: () => number;
  setRevision: (rev: number) => void;
  closed: () => boolean;
  publish: (events: WatchEvent[], rev: number) => void;
  /** After each group: how many of its writes made a revision. */
  committed?: (writes: number) => void;
  /** How long a group waits for a write lock taken by another connection before it fails. */
  busyBudgetMs?: number;
}

interface Queued {
  fn: (w: Writer) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  /** `fn` changes nothing but the database (and its Writer): it may run again after a rollback. */
  rerunnable: boolean;
}

type Outcome = { ok: boolean; value: unknown; w: Writer };

/** How a group runs: one write alone; several without savepoints (first try); several each in one. */
type Mode = "alone" | "optimistic" | "savepoints";

/** Thrown out of an optimistic group when one of its writes throws: run it again with savepoints. */
const RERUN = new Error("group commit: rerun with savepoints");

export class GroupCommit {
  private readonly pending: Queued[] = [];
  private holds = 0;
  private readonly busy: BusyBackoff;

  constructor(private readonly deps: GroupCommitDeps) {
    this.busy = new BusyBackoff(deps.busyBudgetMs);
  }

  /**
   * Queue `fn` as one write at its own new revision; settles after the group commits.
   * `rerunnable: false`: `fn` changes state outside the database, so its group never runs twice.
   */
  enqueue<T>(fn: (w: Writer) => T, options: { rerunnable?: boolean } = {}): Promise<T> {
    const rerunnable = options.rerunnable ?? true;
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (v: unknown) => void, reject, rerunnable });
      if (this.pending.length === 1 && this.holds === 0) setImmediate(() => this.flush());
    });
  }

  /** Queued writes wait until the returned release is called (they are not refused). */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds === 0 && this.pending.length > 0) setImmediate(() => this.flush());
    };
  }

  /** Commit what is queued now, unless held (close forces it so queued writes are not lost). */
  flush(force = false): void {
    if (this.holds > 0 && !force) return;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    if (this.deps.closed()) {
      for (const op of batch) op.reject(new StoreClosedError());
      return;
    }
    const before = this.deps.revision();
    let mode: Mode = batch.length === 1 ? "alone" : "savepoints";
    if (mode === "savepoints" && batch.every((op) => op.rerunnable)) mode = "optimistic";
    let outcomes: Outcome[];
    try {
      outcomes = this.run(batch, mode);
    } catch (err) {
      this.deps.setRevision(before);
      if (this.retryLater(batch, err)) return;
      if (err !== RERUN) {
        for (const op of batch) op.reject(err);
        return;
      }
      try {
        outcomes = this.run(batch, "savepoints");
      } catch (err) {
        this.deps.setRevision(before);
        if (this.retryLater(batch, err)) return;
        for (const op of batch) op.reject(err);
        return;
      }
    }
    this.busy.reset();
    this.deps.committed?.(outcomes.reduce((n, o) => n + (o.ok && o.w.sub > 0 ? 1 : 0), 0));
    for (const [i, op] of batch.entries()) {
      const o = outcomes[i] as Outcome;
      if (!o.ok) {
        op.reject(o.value);
        continue;
      }
      if (o.w.sub > 0) this.deps.publish(o.w.events, o.w.rev);
      op.resolve(o.value);
    }
  }

  /**
   * The lock was taken before any write of `batch` ran: it goes back to the head of the queue
   * (its writes keep their order before later ones) and is tried again after a pause. False once
   * the busy budget is spent, or for any other error.
   */
  private retryLater(batch: Queued[], err: unknown): boolean {
    if (!(err instanceof WriteLockBusyError)) return false;
    const pause = this.busy.next();
    if (pause === undefined) return false;
    this.pending.unshift(...batch);
    setTimeout(() => this.flush(), pause);
    return true;
  }

  /** The group in one transaction: each write's outcome, or a throw once it is rolled back. */
  private run(batch: Queued[], mode: Mode): Outcome[] {
    const { db, stmt } = this.deps;
    const outcomes: Outcome[] = [];
    db.immediate(() => {
      for (const op of batch) {
        const w: Writer = { rev: this.deps.revision() + 1, sub: 0, events: [] };
        if (mode === "savepoints") stmt("SAVEPOINT write").run();
        try {
          const value = op.fn(w);
          if (mode === "savepoints") stmt("RELEASE write").run();
          if (w.sub > 0) this.deps.setRevision(w.rev);
          outcomes.push({ ok: true, value, w });
        } catch (err) {
          // One write alone fails by rolling the whole transaction back; without savepoints, what
          // it wrote before it threw cannot be undone alone: the group runs again with them.
          if (mode === "alone") throw err;
          if (mode === "optimistic") throw RERUN;
          stmt("ROLLBACK TO write").run();
          stmt("RELEASE write").run();
          outcomes.push({ ok: false, value: err, w });
        }
      }
    });
    return outcomes;
  }
}
