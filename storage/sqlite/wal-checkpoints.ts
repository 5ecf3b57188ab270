// When the SQLite KV's WAL is checkpointed, with a checkpointer thread (driver.ts): every few
// hundred writes a PASSIVE checkpoint in the background while writes go on; the writer holds
// its exclusive lock (no lock syscalls per transaction: a point read costs 12 us instead of 27)
// except while the thread checkpoints. SQLite starts the WAL over only when a write begins with
// every frame checkpointed, which a checkpoint that commits overlapped does not leave it: short
// ones of what came meanwhile follow while few commits overlap them, else the next quiet moment
// gets one; a steady stream has none, so past a hard limit writes wait (the event loop does not)
// for one. Tried back to back whatever overlapped them (the design before), the short ones kept
// the writer in shared mode through a steady stream (runs of 5 checkpoints, 2 fsyncs each, over
// 77-97% of its commits on a busy disk).
import type { WalCheckpointer } from "./driver.ts";

export interface WalCheckpointsDeps {
  /** Starts the checkpointer (lazily, at the first checkpoint). */
  open: () => WalCheckpointer;
  /** Holds commits until the returned release is called. */
  hold: () => () => void;
  /** Lets the checkpointer's connection in (the writer's locks become per transaction). */
  share: () => void;
  /** Takes the writer's exclusive lock back (no lock calls per transaction). */
  own: () => void;
  /** The checkpointer failed: SQLite is to checkpoint inside commits again. */
  fallBack: (error: unknown) => void;
  /** Writes between background checkpoints (SQLite's own default is every 1000 frames). */
  everyWrites?: number;
  /** WAL frames past which a quiet moment gets a checkpoint, to let the WAL restart. */
  restartFrames?: number;
  /** WAL frames past which writes wait for a checkpoint, so that the WAL restarts. */
  limitFrames?: number;
  /** How long without a commit makes a quiet moment (ms). */
  quietMs?: number;
  /** Clock for quiet moments (ms). */
  now?: () => number;
}

/** WAL bytes past which a quiet moment gets a checkpoint (2000 frames of 8 KiB). */
export const WAL_RESTART_BYTES = 2000 * 8192;
/** WAL bytes past which writes wait for a checkpoint (8000 frames of 8 KiB). */
export const WAL_LIMIT_BYTES = 8000 * 8192;

/** Short checkpoints tried back to back after a background one while the WAL stays large... */
const RESTART_TRIES = 4;
/** ...as long as each overlapped at most this many commits. */
const FEW_COMMITS = 2;

export class WalCheckpoints {
  private writes = 0;
  /** Commits that wrote, ever: a checkpoint that saw the count move was overlapped. */
  private commits = 0;
  private lastCommit = 0;
  private running: Promise<void> | undefined;
  private checkpointer: WalCheckpointer | undefined;
  private stopped = false;
  /** A checkpoint is due at the next quiet moment (frames came during the last one). */
  private quietTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly everyWrites: number;
  private readonly restartFrames: number;
  private readonly limitFrames: number;
  private readonly quietMs: number;
  private readonly now: () => number;

  constructor(private readonly deps: WalCheckpointsDeps) {
    this.everyWrites = deps.everyWrites ?? 250;
    this.restartFrames = deps.restartFrames ?? 2000;
    this.limitFrames = deps.limitFrames ?? 8000;
    this.quietMs = deps.quietMs ?? 100;
    this.now = deps.now ?? Date.now;
  }

  /** After a commit that wrote `writes` revisions. */
  committed(writes: number): void {
    if (writes > 0) {
      this.commits++;
      this.lastCommit = this.now();
    }
    this.writes += writes;
    if (this.stopped || this.running || this.writes < this.everyWrites) return;
    this.writes = 0;
    this.start(() => this.rounds());
  }

  /** Waits for a running checkpoint and ends the checkpointer (before the database closes). */
  async close(): Promise<void> {
    this.stopped = true;
    this.cancelQuiet();
    await this.running;
    await this.checkpointer?.close();
  }

  private start(body: () => Promise<void>): void {
    this.cancelQuiet();
    this.running = this.run(body).finally(() => {
      this.running = undefined;
    });
  }

  private async run(body: () => Promise<void>): Promise<void> {
    try {
      this.checkpointer ??= this.deps.open();
      this.deps.share();
      try {
        await body();
      } finally {
        this.deps.own();
      }
    } catch (error) {
      this.stopped = true;
      this.cancelQuiet();
      this.deps.fallBack(error);
    }
  }

  /**
   * One checkpoint, and while the WAL is large a short one of what came meanwhile, and more (up
   * to RESTART_TRIES) while only a commit or two overlapped the last short one (on a quiet disk
   * one slips between two commits, and the WAL restarts without a hold); when more overlapped, a
   * steady stream outruns them: past the limit a catch-up and then one with commits held, else
   * one at a quiet moment.
   */
  private async rounds(): Promise<void> {
    const checkpointer = this.checkpointer as WalCheckpointer;
    let before = this.commits;
    let { log, checkpointed } = await checkpointer.checkpoint();
    for (let i = 0; ; i++) {
      const overlapped = this.commits - before;
      // Everything copied and nothing came meanwhile: the next write starts the WAL over.
      if (this.stopped || (overlapped === 0 && checkpointed >= log)) return;
      // The first one copied a few hundred writes; a short one's overlap tells what the next would meet.
      if (i === RESTART_TRIES || (i > 0 && overlapped > FEW_COMMITS) || log < this.restartFrames) break;
      before = this.commits;
      ({ log, checkpointed } = await checkpointer.checkpoint());
    }
    if (log >= this.limitFrames) {
      // First what came during that one, unheld: the held checkpoint then has little to copy.
      await checkpointer.checkpoint();
      if (this.stopped) return;
      const release = this.deps.hold();
      try {
        await checkpointer.checkpoint();
      } finally {
        release();
      }
      return;
    }
    if (log >= this.restartFrames) this.whenQuiet();
  }

  /** A checkpoint once no commit came for quietMs (unless a regular one starts first). */
  private whenQuiet(): void {
    const check = () => {
      this.quietTimer = undefined;
      if (this.stopped || this.running) return;
      const quietFor = this.now() - this.lastCommit;
      if (quietFor < this.quietMs) {
        this.arm(check, this.quietMs - quietFor);
        return;
      }
      this.start(async () => {
        await (this.checkpointer as WalCheckpointer).checkpoint();
      });
    };
    this.arm(check, this.quietMs);
  }

  private arm(fn: () => void, ms: number): void {
    this.cancelQuiet();
    this.quietTimer = setTimeout(fn, ms);
    // A quiet moment's checkpoint never keeps the process alive.
    (this.quietTimer as { unref?: () => void }).unref?.();
  }

  private cancelQuiet(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = undefined;
  }
}
