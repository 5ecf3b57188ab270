// Finds the HTTP/1.1 request boundaries in a client's byte stream (heads, Content-Length and
// chunked bodies, as RFC 9112 section 6 frames them) and puts a header line of the front's own
// into every request head, dropping any copy the client sent: the inner server learns the
// connection a request came from without a TCP peer port (the hop can be a unix socket).

/** Longest request head kept while waiting for its end (Bun.serve answers a larger one 431). */
const MAX_HEAD = 64 * 1024;
/** Longest chunk-size or trailer line. */
const MAX_LINE = 4096;

const CR = 13;
const LF = 10;

type State =
  | { kind: "head" }
  | { kind: "body"; left: number }
  | { kind: "chunk-size" }
  | { kind: "chunk-data"; left: number }
  | { kind: "trailer" }
  // After an upgrade request, or bytes that do not frame as HTTP/1.1: passed on untouched (the
  // inner server then sees no tag, so such requests carry no identity).
  | { kind: "raw" };

export class RequestTagger {
  private state: State = { kind: "head" };
  /** Bytes of an unfinished head or line. */
  private pending: Uint8Array = new Uint8Array();
  private readonly lowerName: string;

  /** `name` is the header's name (lower case), `line` the whole line put in: `name: value\r\n`. */
  constructor(
    name: string,
    private readonly line: Uint8Array,
  ) {
    this.lowerName = name.toLowerCase();
  }

  /** True once the stream is no longer framed (upgrade, or unparseable bytes). */
  get raw(): boolean {
    return this.state.kind === "raw";
  }

  /** The bytes to forward for this chunk of the client's stream (empty while a head is incomplete). */
  feed(chunk: Uint8Array): Uint8Array {
    const out: Uint8Array[] = [];
    let at = 0;
    while (at < chunk.length) {
      const s = this.state;
      if (s.kind === "raw") {
        out.push(at === 0 ? chunk : chunk.subarray(at));
        break;
      }
      if (s.kind === "body" || s.kind === "chunk-data") {
        const n = Math.min(s.left, chunk.length - at);
        out.push(chunk.subarray(at, at + n));
        at += n;
        s.left -= n;
        if (s.left === 0) this.state = s.kind === "body" ? { kind: "head" } : { kind: "chunk-size" };
        continue;
      }
      if (s.kind === "head") {
        at = this.head(chunk, at, out);
        continue;
      }
      // A chunk-size or trailer line: pass its bytes on as they come, keep them until its LF.
      const lf = chunk.indexOf(LF, at);
      const end = lf < 0 ? chunk.length : lf + 1;
      out.push(chunk.subarray(at, end));
      this.pending = concat(this.pending, chunk.subarray(at, end));
      at = end;
      if (lf < 0) {
        if (this.pending.length > MAX_LINE) this.state = { kind: "raw" };
        continue;
      }
      const text = Buffer.from(this.pending).toString("latin1").trimEnd();
      this.pending = new Uint8Array();
      if (s.kind === "chunk-size") {
        const size = parseChunkSize(text);
        if (size === undefined) this.state = { kind: "raw" };
        else if (size === 0) this.state = { kind: "trailer" };
        // The data and its CRLF.
        else this.state = { kind: "chunk-data", left: size + 2 };
      } else if (text === "") this.state = { kind: "head" };
    }
    if (out.length === 1) return out[0] as Uint8Array;
    return out.length === 0 ? new Uint8Array() : concatAll(out);
  }

  /** Head bytes from `at`: once the head is whole, pushes it tagged and sets the body's state. */
  private head(chunk: Uint8Array, at: number, out: Uint8Array[]): number {
    const bytes = this.pending.length === 0 ? chunk.subarray(at) : concat(this.pending, chunk.subarray(at));
    // Empty lines before a request line are allowed (RFC 9112 section 2.2): pass them on.
    let start = 0;
    while (start < bytes.length && (bytes[start] === CR || bytes[start] === LF)) start++;
    if (start > 0) out.push(bytes.subarray(0, start));
    const end = indexOfHeadEnd(bytes, start);
    if (end === -2) {
      // Bare-LF line ends: not framed here (Bun.serve refuses them); passed on untagged.
      out.push(bytes.subarray(start));
      this.pending = new Uint8Array();
      this.state = { kind: "raw" };
      return chunk.length;
    }
    if (end < 0) {
      this.pending = new Uint8Array(bytes.subarray(start));
      if (this.pending.length > MAX_HEAD) {
        out.push(this.pending);
        this.pending = new Uint8Array();
        this.state = { kind: "raw" };
      }
      return chunk.length;
    }
    const consumedFromChunk = end - this.pending.length;
    this.pending = new Uint8Array();
    out.push(this.tag(bytes.subarray(start, end)));
    return at + consumedFromChunk;
  }

  /** The head (request line to its blank line) with the tag line put after the request line. */
  private tag(head: Uint8Array): Uint8Array {
    const text = Buffer.from(head.buffer, head.byteOffset, head.length).toString("latin1");
    const lines = text.split("\r\n");
    let length: number | undefined;
    let chunked = false;
    let upgrade = false;
    let bad = false;
    let ours = false;
    for (let i = 1; i < lines.length; i++) {
      const l = lines[i] as string;
      const colon = l.indexOf(":");
      if (colon <= 0) continue;
      const name = l.slice(0, colon).trim().toLowerCase();
      if (name === this.lowerName) ours = true;
      else if (name === "content-length") {
        const v = l.slice(colon + 1).trim();
        const n = /^\d{1,15}$/.test(v) ? Number(v) : Number.NaN;
        if (Number.isNaN(n) || (length !== undefined && length !== n)) bad = true;
        else length = n;
      } else if (name === "transfer-encoding") {
        chunked = true;
        if (!/(^|,)\s*chunked\s*$/i.test(l.slice(colon + 1))) bad = true;
      } else if (name === "upgrade") upgrade = true;
    }
    if (bad || (chunked && length !== undefined)) this.state = { kind: "raw" };
    else if (upgrade) this.state = { kind: "raw" };
    else if (chunked) this.state = { kind: "chunk-size" };
    else if (length !== undefined && length > 0) this.state = { kind: "body", left: length };
    else this.state = { kind: "head" };
    if (bad || (chunked && length !== undefined)) return new Uint8Array(head);
    const firstEnd = text.indexOf("\r\n") + 2;
    if (ours) {
      const kept = lines.filter(
        (l, i) => i === 0 || l.slice(0, l.indexOf(":")).trim().toLowerCase() !== this.lowerName,
      );
      const rebuilt = Buffer.from(kept.join("\r\n"), "latin1");
      return concatAll([rebuilt.subarray(0, firstEnd), this.line, rebuilt.subarray(firstEnd)]);
    }
    return concatAll([head.subarray(0, firstEnd), this.line, head.subarray(firstEnd)]);
  }
}

/** The index just past the CRLFCRLF that ends a head; -1: not yet; -2: an LFLF comes first. */
function indexOfHeadEnd(bytes: Uint8Array, from: number): number {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const crlf = b.indexOf("\r\n\r\n", from, "latin1");
  const lf = b.indexOf("\n\n", from, "latin1");
  if (lf >= 0 && (crlf < 0 || lf < crlf)) return -2;
  return crlf >= 0 ? crlf + 4 : -1;
}

function parseChunkSize(line: string): number | undefined {
  const hex = (line.split(";")[0] as string).trim();
  if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) return undefined;
  return Number.parseInt(hex, 16);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return new Uint8Array(b);
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function concatAll(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
