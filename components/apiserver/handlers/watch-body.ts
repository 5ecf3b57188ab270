// The body of a cache-fed WATCH response, written to directly (Bun's "direct" ReadableStream:
// each write goes to the socket without a stream queue and a pump task per chunk). Writes made
// before the body is read are held; a reader that stops reading while more than MAX_BACKLOG
// chunks pile up is cut off, as upstream's cacher ends an unresponsive watcher.

/** What Bun hands a direct stream's pull: write returns a Promise while the sink is full. */
interface DirectController {
  write(chunk: Uint8Array): number | Promise<number>;
  flush(): unknown;
  close(): void;
}

const MAX_BACKLOG = 1024;

export class WatchBody {
  readonly stream: ReadableStream<Uint8Array>;
  private controller: DirectController | undefined;
  /** Written before the first read; the first byte makes Bun send the headers (see watch.ts). */
  private early: Uint8Array[] | undefined = [new TextEncoder().encode("\n")];
  /** Chunks written since the sink said it was full. */
  private blocked = 0;
  private closed = false;
  private release: (() => void) | undefined;

  /** `onEnd` runs once when the body ends for any reason but close(): reader gone, cut off. */
  constructor(private readonly onEnd: () => void) {
    const source = {
      type: "direct",
      pull: (controller: DirectController) => {
        this.controller = controller;
        for (const chunk of this.early ?? []) controller.write(chunk);
        this.early = undefined;
        controller.flush();
        if (this.closed) {
          controller.close();
          return;
        }
        return new Promise<void>((resolve) => {
          this.release = resolve;
        });
      },
      cancel: () => this.end(),
    };
    this.stream = new ReadableStream(
      source as unknown as ConstructorParameters<typeof ReadableStream<Uint8Array>>[0],
    );
  }

  write(chunk: Uint8Array): void {
    if (this.closed) return;
    const controller = this.controller;
    if (!controller) {
      const early = this.early as Uint8Array[];
      early.push(chunk);
      if (early.length > MAX_BACKLOG) this.end();
      return;
    }
    const written = controller.write(chunk);
    if (written instanceof Promise) {
      if (this.blocked === 0)
        written.then(
          () => {
            this.blocked = 0;
          },
          () => this.end(),
        );
      if (++this.blocked > MAX_BACKLOG) this.end();
      return;
    }
    controller.flush();
  }

  /** Ends the body cleanly (the watch is over). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.controller?.close();
    } catch {
      // the reader is already gone
    }
    this.release?.();
  }

  private end(): void {
    if (this.closed) return;
    this.close();
    this.onEnd();
  }
}
