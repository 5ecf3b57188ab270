// A ResponseSink over a front's pipe toward the client: writes queue in the pipe, and a writer
// waits (`ready`) while more than the pipe's high-water mark is queued for a slow client.
import type { BytePipe } from "./byte-pipe.ts";
import type { ResponseSink } from "./response-writer.ts";

export class PipeSink implements ResponseSink {
  private behind = false;
  private waiting: (() => void) | undefined;
  private gone = false;

  constructor(private readonly pipe: BytePipe) {
    // The pipe pauses its source when the client falls behind: here that stops the writer.
    pipe.from({
      write: () => 0,
      end: () => undefined,
      pause: () => {
        this.behind = true;
      },
      resume: () => {
        this.behind = false;
        this.wake();
      },
    });
  }

  write(bytes: Uint8Array): void {
    if (!this.gone) this.pipe.push(bytes);
  }

  ready(): Promise<void> | undefined {
    if (!this.behind || this.gone) return undefined;
    return new Promise<void>((resolve) => {
      this.waiting = resolve;
    });
  }

  get closed(): boolean {
    return this.gone;
  }

  /** The client went away: a waiting writer goes on (and sees `closed`). */
  close(): void {
    this.gone = true;
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }
}
