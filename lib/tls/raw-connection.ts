// A client connection handed over by a front after an HTTP upgrade that Bun.serve cannot do
// (SPDY/3.1: upstream's httpstream upgrade). The handler that took it writes the 101 itself and
// then owns the raw bytes both ways; bytes the client sent before `start` wait in a queue.

export interface RawConnectionHandlers {
  /** Bytes from the client (the buffer is the handler's to keep). */
  data(bytes: Uint8Array): void;
  /** The client closed or the connection failed; called once. */
  close(): void;
  /** More than the high-water mark waits for the client: stop producing until `resume`. */
  pause?(): void;
  resume?(): void;
}

export interface RawConnection {
  /** Queues bytes to the client (buffered while the client is slow; see `pause`). */
  write(bytes: Uint8Array): void;
  /** Ends the connection once what is queued has been written. */
  end(): void;
  /** Stops or restarts reading from the client (backpressure toward the client). */
  pauseReading(): void;
  resumeReading(): void;
  /** Attaches the new owner and hands it what arrived so far. */
  start(handlers: RawConnectionHandlers): void;
}

/** What a front needs to turn one of its client sockets into a RawConnection. */
export interface RawSink {
  write(bytes: Uint8Array): void;
  end(): void;
  pause(): void;
  resume(): void;
}

/** The front's side of a taken-over connection: it feeds `received` and `closed`. */
export class TakenOverConnection implements RawConnection {
  private handlers: RawConnectionHandlers | undefined;
  private early: Uint8Array[] = [];
  private isClosed = false;
  private notified = false;

  constructor(private readonly sink: RawSink) {}

  write(bytes: Uint8Array): void {
    if (!this.isClosed) this.sink.write(bytes);
  }

  end(): void {
    this.sink.end();
  }

  pauseReading(): void {
    this.sink.pause();
  }

  resumeReading(): void {
    this.sink.resume();
  }

  start(handlers: RawConnectionHandlers): void {
    this.handlers = handlers;
    for (const b of this.early.splice(0)) handlers.data(b);
    if (this.isClosed) this.notifyClosed();
  }

  /** Front: bytes from the client. */
  received(bytes: Uint8Array): void {
    const copy = new Uint8Array(bytes);
    if (this.handlers) this.handlers.data(copy);
    else this.early.push(copy);
  }

  /** Front: the client went away. */
  closed(): void {
    this.isClosed = true;
    if (this.handlers) this.notifyClosed();
  }

  /** Front: the write queue toward the client crossed the high-water mark, or drained. */
  behind(paused: boolean): void {
    if (paused) this.handlers?.pause?.();
    else this.handlers?.resume?.();
  }

  private notifyClosed(): void {
    if (this.notified) return;
    this.notified = true;
    this.handlers?.close();
  }
}
