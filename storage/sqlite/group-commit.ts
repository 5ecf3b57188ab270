// Group commit for the SQLite KV: writes queued in the same turn of the event loop commit in one
// BEGIN IMMEDIATE (one WAL write, one fsync with --fsync), each inside a savepoint so that a
// failing write rolls back alone (a write alone needs none: the transaction is its savepoint);
// callers are answered and watchers see events only after commit.
import { StoreClosedError } from "../errors.ts";
import type { WatchEvent } from "../kv.ts";
import type { Database, Statement } from "./driver.ts";
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
}

interface Queued {
  fn: (w: Writer) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit {
  private readonly pending: Queued[] = [];
  private holds = 0;

  constructor(private readonly deps: GroupCommitDeps) {}

  /** Queue `fn` as one write at its own new revision; settles after the group commits. */
  enqueue<T>(fn: (w: Writer) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
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
    const { db, stmt } = this.deps;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    if (this.deps.closed()) {
      for (const op of batch) op.reject(new StoreClosedError());
      return;
    }
    const before = this.deps.revision();
    const outcomes: { ok: boolean; value: unknown; w: Writer }[] = [];
    // One write alone fails by rolling the whole transaction back (the catch below).
    const alone = batch.length === 1;
    try {
      db.immediate(() => {
        for (const op of batch) {
          const w: Writer = { rev: this.deps.revision() + 1, sub: 0, events: [] };
          if (!alone) stmt("SAVEPOINT write").run();
          try {
            const value = op.fn(w);
            if (!alone) stmt("RELEASE write").run();
            if (w.sub > 0) this.deps.setRevision(w.rev);
            outcomes.push({ ok: true, value, w });
          } catch (err) {
            if (alone) throw err;
            stmt("ROLLBACK TO write").run();
            stmt("RELEASE write").run();
            outcomes.push({ ok: false, value: err, w });
          }
        }
      });
    } catch (err) {
      this.deps.setRevision(before);
      for (const op of batch) op.reject(err);
      return;
    }
    this.deps.committed?.(outcomes.reduce((n, o) => n + (o.ok && o.w.sub > 0 ? 1 : 0), 0));
    for (const [i, op] of batch.entries()) {
      const o = outcomes[i] as { ok: boolean; value: unknown; w: Writer };
      if (!o.ok) {
        op.reject(o.value);
        continue;
      }
      if (o.w.sub > 0) this.deps.publish(o.w.events, o.w.rev);
      op.resolve(o.value);
    }
  }
}
