// A front's direct answers on one client connection: HTTP/1.1 requests without an upgrade, with no
// body or a Content-Length one (reads, lists, watches, creates, updates, patches) become a Request
// handed to `fetch` in the front's own process, answered in order (later pipelined bytes wait); the
// first request that is not one of those hands the connection, from that request on, to the inner
// server for good.
import { parseRequestHead, type RequestHead } from "./request-head.ts";
import { BodyCutError, type ResponseSink, writeResponse } from "./response-writer.ts";

/** What a front's handler learns of the client connection a request came on. */
export interface FrontConnection<Peer> {
  /** What the TLS stack saw of the client's certificate (undefined: none asked or sent). */
  readonly peer: Peer | undefined;
}

/** A front's handler: the same as Bun.serve's fetch, for the requests the front answers itself. */
export type FrontFetch<Peer> = (
  req: Request,
  connection: FrontConnection<Peer>,
) => Response | Promise<Response>;

/** The in-process handler a front answers its fast-path requests with. */
export interface FrontHandler<Peer> {
  fetch: FrontFetch<Peer>;
  /** The answer when `fetch` throws (Bun.serve's `error`; default a plain 500). */
  error?: (err: unknown) => Response;
  /** A body not all there this long (default 60 s) after its head is answered `bodyTimeout()` (default 408), then the connection closes. */
  bodyTimeoutMs?: number;
  bodyTimeout?: () => Response;
  /**
   * True when the response to this request is finite and quick (no watch, no follow): it is read
   * whole rather than as a stream, and the request gets no abort signal (nothing to stop early).
   */
  whole?: (method: string, target: string) => boolean;
}

export interface FastPathOptions<Peer> {
  handler: FrontHandler<Peer>;
  connection: FrontConnection<Peer>;
  /** "https" or "http", for the request's URL. */
  scheme: string;
  sink: ResponseSink;
  /** Ends the connection once what was written has gone. */
  end(): void;
  /** Cuts the connection (a body failed after its head). */
  cut(): void;
  /** Stops or restarts reading from the client while requests wait. */
  pause(): void;
  resume(): void;
  /** The rest of the connection (from `bytes`, the first request not answered here) goes to the inner server. */
  handOff(bytes: Uint8Array, answered: number): void;
}

/** More unanswered bytes than this (past a body being waited for) stop reading from the client. */
const HOLD_BYTES = 256 * 1024;
const EMPTY = new Uint8Array(0);

export class FastPath<Peer> {
  /** Bytes received and not yet answered: one buffer (`pending`) plus chunks not joined yet. */
  private pending: Uint8Array = EMPTY;
  private chunks: Uint8Array[] = [];
  private size = 0;
  /** Bytes the request at the front needs before it can be answered (its head and body). */
  private need = 1;
  private busy = false;
  private paused = false;
  private finished = false;
  private answered = 0;
  private inputDone = false;
  private current: AbortController | undefined;
  private bodyTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: FastPathOptions<Peer>) {}

  /** Bytes from the client (copied: Bun may reuse the buffer). */
  received(chunk: Uint8Array): void {
    if (this.finished) return;
    this.chunks.push(new Uint8Array(chunk));
    this.size += chunk.byteLength;
    if (this.busy || this.size < this.need) {
      if (this.size - this.need > HOLD_BYTES && !this.paused) {
        this.paused = true;
        this.options.pause();
      }
      return;
    }
    void this.run();
  }

  /** The client went away: the request in flight sees its signal aborted. */
  closed(): void {
    this.finished = true;
    clearTimeout(this.bodyTimer);
    this.current?.abort();
  }

  /** The client sent all it will (half-close): answer what is complete, then end. */
  inputEnded(): void {
    this.inputDone = true;
    if (!this.busy) this.endIfDone();
  }

  private endIfDone(): void {
    if (!this.inputDone || this.finished) return;
    this.finished = true;
    clearTimeout(this.bodyTimer);
    this.options.end();
  }

  /** The received bytes as one buffer. */
  private joined(): Uint8Array {
    if (this.chunks.length > 0) {
      const parts = this.pending.length > 0 ? [this.pending, ...this.chunks] : this.chunks;
      this.pending = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
      this.chunks = [];
    }
    return this.pending;
  }

  private consume(n: number): void {
    const bytes = this.joined();
    // Nothing left: drop the buffer (a view of it would keep a big body alive).
    this.pending = n >= bytes.length ? EMPTY : bytes.subarray(n);
    this.size -= n;
    if (this.paused && this.size <= HOLD_BYTES) {
      this.paused = false;
      this.options.resume();
    }
  }

  private async run(): Promise<void> {
    this.busy = true;
    try {
      while (!this.finished && this.size > 0) {
        const bytes = this.joined();
        const head = parseRequestHead(bytes, 0);
        if (head === "partial") {
          this.need = this.size + 1;
          break;
        }
        if (head === "other") {
          this.finished = true;
          this.pending = EMPTY;
          this.options.handOff(bytes, this.answered);
          break;
        }
        const total = head.end + head.bodyLength;
        if (bytes.length < total) {
          // The body is on its way: wait for all of it (at most the body timeout).
          this.need = total;
          this.bodyTimer ??= setTimeout(
            () => this.bodyTimedOut(),
            this.options.handler.bodyTimeoutMs ?? 60_000,
          );
          break;
        }
        clearTimeout(this.bodyTimer);
        this.bodyTimer = undefined;
        this.need = 1;
        const body = head.bodyLength > 0 ? bytes.subarray(head.end, total) : undefined;
        this.consume(total);
        const keep = await this.answer(head, body);
        this.answered++;
        if (!keep) {
          this.finished = true;
          this.options.end();
        }
      }
    } catch {
      // Only writing the error response itself can fail here: nothing sane is left to send.
      this.finished = true;
      this.options.cut();
    } finally {
      this.busy = false;
      this.endIfDone();
    }
  }

  private bodyTimedOut(): void {
    this.bodyTimer = undefined;
    if (this.finished || this.busy) return;
    this.finished = true;
    const answer = this.options.handler.bodyTimeout?.() ?? new Response("Request Timeout", { status: 408 });
    void writeResponse(answer, this.options.sink, { head: false, close: true }).then(
      () => this.options.end(),
      () => this.options.cut(),
    );
  }

  private failed(err: unknown): Response {
    return this.options.handler.error?.(err) ?? new Response("Internal Server Error", { status: 500 });
  }

  /** Answers one request; false when the connection is to end after it. */
  private async answer(head: RequestHead, body: Uint8Array | undefined): Promise<boolean> {
    const whole = this.options.handler.whole?.(head.method, head.target) === true;
    // A signal costs a few µs per request: only what may run long (a watch, a follow) gets one.
    const abort = whole ? undefined : new AbortController();
    this.current = abort;
    const req = new Request(`${this.options.scheme}://${head.host}${head.target}`, {
      method: head.method,
      headers: head.headers,
      ...(abort ? { signal: abort.signal } : {}),
      ...(body ? { body } : {}),
    });
    let res: Response;
    try {
      res = await this.options.handler.fetch(req, this.options.connection);
    } catch (err) {
      res = this.failed(err);
    }
    const writeOptions = {
      head: head.method === "HEAD",
      close: head.close,
      whole,
    };
    try {
      await writeResponse(res, this.options.sink, writeOptions);
    } catch (err) {
      if (err instanceof BodyCutError || this.options.sink.closed) {
        this.options.cut();
        return false;
      }
      await writeResponse(this.failed(err), this.options.sink, writeOptions);
    } finally {
      this.current = undefined;
    }
    return !head.close;
  }
}
