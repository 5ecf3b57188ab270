// A response body produced piece by piece into reused 256 KiB chunks: a small body is one buffer,
// a large one (a LIST of 10k pods, 17 MB) streams through Bun's direct ReadableStream, whose writes
// copy. Fresh memory is what large bodies cost here: faulting in 17 MB takes ~60 ms of CPU, the copy ~3.

const CHUNK = 256 * 1024;
/** Free chunk buffers, kept warm for the next body. */
const pool: Buffer[] = [];
const POOL_MAX = 8;
const copy = Buffer.prototype.copy as (
  this: Uint8Array,
  target: Uint8Array,
  at: number,
  from: number,
  to: number,
) => number;

export interface BodyWriter {
  /** `bytes[from..to)`. */
  bytes(bytes: Uint8Array, from?: number, to?: number): void;
  /** UTF-8 text. */
  text(text: string): void;
}

class ChunkWriter implements BodyWriter {
  private buf: Buffer = pool.pop() ?? Buffer.allocUnsafe(CHUNK);
  private at = 0;
  /** Filled chunks not yet written. */
  readonly ready: Buffer[] = [];

  bytes(bytes: Uint8Array, from = 0, to = bytes.length): void {
    let start = from;
    while (start < to) {
      const n = Math.min(to - start, CHUNK - this.at);
      // Buffer's copy takes a source range: no subarray view per piece.
      copy.call(bytes, this.buf, this.at, start, start + n);
      this.at += n;
      start += n;
      if (this.at === CHUNK) this.next();
    }
  }

  text(text: string): void {
    if (text.length * 3 <= CHUNK - this.at) this.at += this.buf.write(text, this.at);
    else this.bytes(Buffer.from(text));
  }

  private next(): void {
    this.ready.push(this.buf);
    this.buf = pool.pop() ?? Buffer.allocUnsafe(CHUNK);
    this.at = 0;
  }

  /** The whole body when nothing filled a chunk. */
  whole(): Uint8Array {
    return this.buf.subarray(0, this.at);
  }

  /**
   * Writes the filled chunks (and with `last` the partial one); the sink takes a copy and its
   * promise waits out backpressure. False once the client has gone away.
   */
  async drain(sink: ReadableStreamDirectController, last = false): Promise<boolean> {
    for (let chunk = this.ready.shift(); chunk; chunk = this.ready.shift()) {
      const written = await sink.write(chunk);
      if (pool.length < POOL_MAX) pool.push(chunk);
      if (written === 0) return false;
    }
    if (last && this.at > 0) return (await sink.write(this.buf.subarray(0, this.at))) !== 0;
    return true;
  }

  release(): void {
    if (pool.length < POOL_MAX) pool.push(this.buf);
    this.ready.length = 0;
  }
}

/**
 * Collects the pieces for one Blob, for a caller in this process, which reads the body whole; runs
 * of text are joined first (a Blob of many small strings costs far more than of one).
 */
class PartsWriter implements BodyWriter {
  private readonly parts: (Uint8Array | string)[] = [];
  private texts: string[] = [];

  bytes(bytes: Uint8Array, from = 0, to = bytes.length): void {
    this.joinTexts();
    this.parts.push(from === 0 && to === bytes.length ? bytes : bytes.subarray(from, to));
  }

  text(text: string): void {
    this.texts.push(text);
  }

  blob(): Blob {
    this.joinTexts();
    return new Blob(this.parts);
  }

  private joinTexts(): void {
    if (this.texts.length === 0) return;
    this.parts.push(this.texts.join(""));
    this.texts = [];
  }
}

/**
 * A 200 response whose body `produce` writes, yielding between pieces (an item of a list). Over a
 * socket it runs until a chunk fills before the response exists (its errors up to then are thrown
 * here), then streams; in process (`overSocket` false) the body is one Blob of the pieces, which
 * the caller's text() or json() reads without a stream's growing buffer.
 */
export function streamedResponse(
  produce: (w: BodyWriter) => Iterator<unknown>,
  headers: Record<string, string>,
  overSocket: boolean,
): Response {
  if (!overSocket) {
    const parts = new PartsWriter();
    const pieces = produce(parts);
    while (!pieces.next().done);
    return new Response(parts.blob(), { headers });
  }
  const writer = new ChunkWriter();
  const pieces = produce(writer);
  try {
    for (;;) {
      if (pieces.next().done) {
        const body = writer.whole().slice();
        writer.release();
        return new Response(body, { headers });
      }
      if (writer.ready.length > 0) break;
    }
  } catch (err) {
    writer.release();
    throw err;
  }
  const source: Bun.DirectUnderlyingSource<Uint8Array> = {
    type: "direct",
    async pull(sink: ReadableStreamDirectController): Promise<void> {
      try {
        let open = await writer.drain(sink);
        while (open && !pieces.next().done) if (writer.ready.length > 0) open = await writer.drain(sink);
        if (open) await writer.drain(sink, true);
        sink.close();
      } catch (err) {
        // The client went away, or a piece failed mid-body: the body ends short.
        pieces.return?.();
        sink.close(err instanceof Error ? err : new Error(String(err)));
      } finally {
        writer.release();
      }
    },
  };
  return new Response(new ReadableStream(source), { headers });
}
