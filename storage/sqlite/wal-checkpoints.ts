// When the SQLite KV's WAL is checkpointed, with a checkpointer thread (driver.ts): every few
// hundred writes a PASSIVE checkpoint in the background while writes go on; the writer holds
// its exclusive lock (no lock syscalls per transaction: a point read costs 12 us instead of 27)
// except while the thread checkpoints. SQLite starts the
// WAL over only when a write begins with every frame checkpointed, which a checkpoint racing a
// steady writer never leaves it: while the WAL is large, short checkpoints of what came
// meanwhile follow (one that no write overlaps lets the WAL restart); only past a hard limit do
// writes wait (the event loop does not) for one.
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
  /** WAL frames past which short checkpoints follow a background one, to let the WAL restart. */
  restartFrames?: number;
  /** WAL frames past which writes wait for a checkpoint, so that the WAL restarts. */
  limitFrames?: number;
}

/** WAL bytes past which short checkpoints follow a background one (2000 frames of 8 KiB). */
export const WAL_RESTART_BYTES = 2000 * 8192;
/** WAL bytes past which writes wait for a checkpoint (8000 frames of 8 KiB). */
export const WAL_LIMIT_BYTES = 8000 * 8192;

/** Short checkpoints tried after a background one while the WAL stays large. */
const RESTART_TRIES = 4;

export class WalCheckpoints {
  private writes = 0;
  private running: Promise<void> | undefined;
  private checkpointer: WalCheckpointer | undefined;
  private stopped = false;
  private readonly everyWrites: number;
  private readonly restartFrames: number;
  private readonly limitFrames: number;

  constructor(private readonly deps: WalCheckpointsDeps) {
    this.everyWrites = deps.everyWrites ?? 250;
    this.restartFrames = deps.restartFrames ?? 2000;
    this.limitFrames = deps.limitFrames ?? 8000;
  }

  /** After a commit that wrote `writes` revisions. */
  committed(writes: number): void {
    this.writes += writes;
    if (this.stopped || this.running || this.writes < this.everyWrites) return;
    this.writes = 0;
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
  }

  /** Waits for a running checkpoint and ends the checkpointer (before the database closes). */
  async close(): Promise<void> {
    this.stopped = true;
    await this.running;
    await this.checkpointer?.close();
  }

  private async run(): Promise<void> {
    try {
      this.checkpointer ??= this.deps.open();
      this.deps.share();
      try {
        await this.rounds(this.checkpointer);
      } finally {
        this.deps.own();
      }
    } catch (error) {
      this.stopped = true;
      this.deps.fallBack(error);
    }
  }

  private async rounds(checkpointer: WalCheckpointer): Promise<void> {
    let log = (await checkpointer.checkpoint()).log;
    for (let i = 0; i < RESTART_TRIES && log >= this.restartFrames && !this.stopped; i++) {
      const next = (await checkpointer.checkpoint()).log;
      if (next < log) return; // a write started the WAL over
      log = next;
    }
    if (this.stopped || log < this.limitFrames) return;
    const release = this.deps.hold();
    try {
      await checkpointer.checkpoint();
    } finally {
      release();
    }
  }
}
