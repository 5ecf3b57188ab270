// One direction of a socket pair: bytes from a source socket are written to a sink socket,
// queued while the sink is not ready or its buffer is full, with the source paused while more
// than HIGH_WATER bytes wait (backpressure); ending the source ends the sink once flushed.

/** The part of a Bun socket a pipe writes to and pauses. */
export interface PipeSocket {
  write(data: Uint8Array): number;
  end(): void;
  pause(): void;
  resume(): void;
}

const HIGH_WATER = 1 << 20;

export class BytePipe {
  private queue: Uint8Array[] = [];
  private queued = 0;
  private sink: PipeSocket | undefined;
  private ending = false;
  private ended = false;
  private paused = false;
  private source: PipeSocket | undefined;

  /** The socket data comes from (paused while the sink is behind). */
  from(source: PipeSocket): void {
    this.source = source;
  }

  /** Sets the sink once it is connected and writes what was queued. */
  to(sink: PipeSocket): void {
    this.sink = sink;
    this.flush();
  }

  /** Data from the source. Bun may reuse the buffer, so a queued chunk is copied (a Buffer's slice() is a view). */
  push(chunk: Uint8Array): void {
    if (this.ended) return;
    if (this.queue.length === 0 && this.sink) {
      const n = this.sink.write(chunk);
      if (n === chunk.length) return;
      chunk = chunk.subarray(Math.max(n, 0));
    }
    this.queue.push(new Uint8Array(chunk));
    this.queued += chunk.length;
    if (this.queued > HIGH_WATER && !this.paused && this.source) {
      this.paused = true;
      this.source.pause();
    }
  }

  /** The sink can take more (its drain event), or was just attached. */
  flush(): void {
    const sink = this.sink;
    if (!sink || this.ended) return;
    while (this.queue.length > 0) {
      const chunk = this.queue[0] as Uint8Array;
      const n = Math.max(sink.write(chunk), 0);
      this.queued -= n;
      if (n < chunk.length) {
        this.queue[0] = chunk.subarray(n);
        return;
      }
      this.queue.shift();
    }
    if (this.paused) {
      this.paused = false;
      this.source?.resume();
    }
    if (this.ending) this.finish();
  }

  /** The source ended or closed: end the sink after what is queued. */
  end(): void {
    this.ending = true;
    if (this.queue.length === 0) this.finish();
  }

  private finish(): void {
    if (this.ended || !this.sink) return;
    this.ended = true;
    this.sink.end();
  }
}
