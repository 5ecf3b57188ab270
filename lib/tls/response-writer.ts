// Writes a fetch Response as HTTP/1.1 bytes (RFC 9112), as Bun.serve does: a body that is all there
// (up to 1 MiB, ended within a few microtasks) goes with Content-Length; one that waits for events (a
// watch) or is bigger streams chunked with the client's backpressure; HEAD sends no body.
import { STATUS_CODES } from "node:http";

/** Where the bytes go: the client connection's write queue. */
export interface ResponseSink {
  /** Queues bytes toward the client (the sink copies what it cannot write at once). */
  write(bytes: Uint8Array): void;
  /** Resolves once the client has taken enough of the queue; undefined when it is not behind. */
  ready(): Promise<void> | undefined;
  /** The client is gone: stop producing. */
  readonly closed: boolean;
}

export interface WriteOptions {
  /** A HEAD request: the head as for GET, no body. */
  head: boolean;
  /** Say `Connection: close` (the connection ends after this response). */
  close: boolean;
  /** The body is finite: read it whole (cheaper than a stream reader) and send a Content-Length. */
  whole?: boolean;
}

/** A body failed after its head was written: the connection can only be cut. */
export class BodyCutError extends Error {}

/** Up to this much of a body that is all there is gathered to send it with a Content-Length. */
const GATHER_BYTES = 1024 * 1024;
/** Headers the writer sets itself from how it frames the body. */
const FRAMING = new Set(["content-length", "transfer-encoding", "connection", "keep-alive"]);
const encoder = new TextEncoder();
const CRLF = encoder.encode("\r\n");
const LAST_CHUNK = encoder.encode("0\r\n\r\n");
const PENDING = Symbol("pending");
type ReadResult = { done: true; value?: undefined } | { done: false; value: unknown };

let dateSecond = -1;
let dateText = "";

/** The Date header's value, computed once a second. */
function httpDate(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

const canonicalNames = new Map<string, string>();

/** Go's CanonicalMIMEHeaderKey, as kube's clients see names from upstream (content-type -> Content-Type). */
function canonical(name: string): string {
  let known = canonicalNames.get(name);
  if (known === undefined) {
    known = name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
    if (canonicalNames.size < 1000) canonicalNames.set(name, known);
  }
  return known;
}

function headText(res: Response, framing: string, options: WriteOptions): string {
  let text = `HTTP/1.1 ${res.status} ${res.statusText || STATUS_CODES[res.status] || "Unknown"}\r\n`;
  let dated = false;
  res.headers.forEach((value, name) => {
    if (FRAMING.has(name)) return;
    if (name === "date") dated = true;
    text += `${canonical(name)}: ${value}\r\n`;
  });
  if (!dated) text += `Date: ${httpDate()}\r\n`;
  if (options.close) text += "Connection: close\r\n";
  return `${text}${framing}\r\n`;
}

function bodiless(status: number): boolean {
  return status === 204 || status === 304 || status < 200;
}

/**
 * Settles a few microtasks later: a body that is all there (a string, a Blob) ends by then (its
 * last read takes two), one that waits for an event (a watch) does not.
 */
function soon(): Promise<typeof PENDING> {
  return Promise.resolve()
    .then()
    .then()
    .then()
    .then(() => PENDING);
}

/** Writes `res` into `sink`; rejects before anything was written, or with BodyCutError after. */
export async function writeResponse(res: Response, sink: ResponseSink, options: WriteOptions): Promise<void> {
  const body = res.body;
  if (!body || bodiless(res.status)) {
    if (body) void body.cancel().catch(() => undefined);
    const framing = bodiless(res.status) ? "" : "Content-Length: 0\r\n";
    sink.write(encoder.encode(headText(res, framing, options)));
    return;
  }
  if (options.whole) {
    const bytes = await res.bytes();
    const head = encoder.encode(headText(res, `Content-Length: ${bytes.byteLength}\r\n`, options));
    writeWhole(sink, head, options.head ? [] : [bytes], options.head ? 0 : bytes.byteLength);
    return;
  }
  const reader = body.getReader();
  const gathered: Uint8Array[] = [];
  let size = 0;
  let streaming = false;
  const startStreaming = () => {
    streaming = true;
    sink.write(encoder.encode(headText(res, "Transfer-Encoding: chunked\r\n", options)));
    if (options.head) return;
    for (const piece of gathered.splice(0)) writeChunk(sink, piece);
  };
  try {
    for (;;) {
      const next = reader.read();
      let result: ReadResult | typeof PENDING;
      if (Bun.peek.status(next) === "fulfilled") result = Bun.peek(next) as ReadResult;
      else result = streaming ? await next : await Promise.race([next, soon()]);
      if (result === PENDING) {
        // Not all there now (a watch waiting for events): the head goes now, the body as it comes.
        startStreaming();
        if (options.head) break;
        result = await next;
      }
      if (result.done) break;
      const piece = bytesOf(result.value);
      if (sink.closed) break;
      if (!streaming) {
        gathered.push(piece);
        size += piece.byteLength;
        if (size > GATHER_BYTES) startStreaming();
        if (streaming && options.head) break;
      } else {
        writeChunk(sink, piece);
        await sink.ready();
      }
    }
  } catch (err) {
    void reader.cancel().catch(() => undefined);
    throw streaming ? new BodyCutError(err instanceof Error ? err.message : String(err)) : err;
  }
  if (sink.closed || (streaming && options.head)) {
    void reader.cancel().catch(() => undefined);
    return;
  }
  if (streaming) {
    sink.write(LAST_CHUNK);
    return;
  }
  const head = encoder.encode(headText(res, `Content-Length: ${size}\r\n`, options));
  writeWhole(sink, head, options.head ? [] : gathered, options.head ? 0 : size);
}

/**
 * A head and its body in as few writes (TLS records and syscalls) as copying little allows: the
 * head with the body's first 16 KiB, then the rest of the body as it is.
 */
function writeWhole(sink: ResponseSink, head: Uint8Array, pieces: Uint8Array[], size: number): void {
  const copied = Math.min(size, COPY_BELOW);
  const out = new Uint8Array(head.byteLength + copied);
  out.set(head);
  let at = head.byteLength;
  let i = 0;
  for (; i < pieces.length && at < out.length; i++) {
    const piece = pieces[i] as Uint8Array;
    const take = Math.min(piece.byteLength, out.length - at);
    out.set(take === piece.byteLength ? piece : piece.subarray(0, take), at);
    at += take;
    if (take < piece.byteLength) {
      sink.write(out);
      sink.write(piece.subarray(take));
      for (i++; i < pieces.length; i++) sink.write(pieces[i] as Uint8Array);
      return;
    }
  }
  sink.write(out);
  for (; i < pieces.length; i++) sink.write(pieces[i] as Uint8Array);
}

/** A stream's chunk as bytes: streams may yield strings and any buffer, as Bun.serve takes them. */
function bytesOf(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return encoder.encode(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError("a response body chunk must be a string or bytes");
}

/** Small chunks go out as one write (one TLS record), big ones without a copy. */
const COPY_BELOW = 16 * 1024;

function writeChunk(sink: ResponseSink, piece: Uint8Array): void {
  if (piece.byteLength === 0) return;
  const size = encoder.encode(`${piece.byteLength.toString(16)}\r\n`);
  if (piece.byteLength >= COPY_BELOW) {
    sink.write(size);
    sink.write(piece);
    sink.write(CRLF);
    return;
  }
  const out = new Uint8Array(size.byteLength + piece.byteLength + 2);
  out.set(size);
  out.set(piece, size.byteLength);
  out.set(CRLF, size.byteLength + piece.byteLength);
  sink.write(out);
}
