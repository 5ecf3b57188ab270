// An HTTP/1.1 request head (RFC 9112 section 3-5) parsed by a front that answers some requests itself:
// only a plain, well-formed head of a request without an upgrade, with no body or a Content-Length
// one, qualifies; anything else ("other") goes to the inner Bun.serve, whose parser decides as before.

export interface RequestHead {
  method: string;
  /** The origin-form target: path and query. */
  target: string;
  /** Header fields in order, names as sent. */
  headers: [string, string][];
  /** The Host field (required by HTTP/1.1). */
  host: string;
  /** The client asked to close the connection after this response. */
  close: boolean;
  /** Offset just past the head's empty line: where the body (or the next request) starts. */
  end: number;
  /** The body's Content-Length (0: none). */
  bodyLength: number;
}

/** Methods a front answers itself (OPTIONS, CONNECT, TRACE and unknown ones are Bun.serve's). */
const FAST_METHODS = new Set(["GET", "HEAD", "DELETE", "POST", "PUT", "PATCH"]);
/** Bigger bodies go to the inner server, whose handler refuses them (413) without reading them. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;
/** Bun.serve's limit decides about bigger heads. */
export const MAX_HEAD_BYTES = 16 * 1024;
/** A header field name (RFC 9110 token). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Anything but visible characters, space, tab and obs-text in a head, or a CR that ends no line. */
const BAD_CHARACTER = /[^\t\x20-\x7e\x80-\xff\r\n]|\r(?!\n)/;
/** An origin-form target without spaces or controls. */
const TARGET = /^\/[\x21-\x7e]*$/;

/**
 * Parses the request head starting at `start`: "partial" when its end has not arrived yet,
 * "other" when the request is not one to answer directly (a body, an upgrade, Expect, another
 * method or version, anything unusual or malformed), else the head.
 */
export function parseRequestHead(bytes: Uint8Array, start: number): RequestHead | "partial" | "other" {
  const stop = findHeadEnd(bytes, start);
  if (stop === -1) return "partial";
  if (stop < 0 || stop - start > MAX_HEAD_BYTES) return "other";
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, stop - start).toString("latin1");
  if (BAD_CHARACTER.test(text)) return "other";
  let lineEnd = text.indexOf("\r\n");
  if (lineEnd < 0) lineEnd = text.length;
  const requestLine = text.slice(0, lineEnd).split(" ");
  if (requestLine.length !== 3) return "other";
  const [method, target, version] = requestLine as [string, string, string];
  if (!FAST_METHODS.has(method) || version !== "HTTP/1.1" || !TARGET.test(target)) return "other";
  const headers: [string, string][] = [];
  let host: string | undefined;
  let close = false;
  let bodyLength: number | undefined;
  for (let at = lineEnd + 2; at < text.length; ) {
    let next = text.indexOf("\r\n", at);
    if (next < 0) next = text.length;
    const colon = text.indexOf(":", at);
    if (colon <= at || colon > next) return "other";
    const name = text.slice(at, colon);
    const value = text.slice(colon + 1, next).trim();
    at = next + 2;
    if (!TOKEN.test(name)) return "other";
    switch (name.length) {
      case 4:
        if (name.toLowerCase() === "host") {
          if (host !== undefined) return "other";
          host = value;
        }
        break;
      case 6:
        if (name.toLowerCase() === "expect") return "other";
        break;
      case 7:
        if (name.toLowerCase() === "upgrade") return "other";
        break;
      case 10:
        if (name.toLowerCase() === "connection") {
          if (/(^|,)\s*upgrade\s*(,|$)/i.test(value)) return "other";
          if (/(^|,)\s*close\s*(,|$)/i.test(value)) close = true;
        }
        break;
      case 14:
        if (name.toLowerCase() === "content-length") {
          if (bodyLength !== undefined || !/^\d{1,8}$/.test(value)) return "other";
          bodyLength = Number(value);
          if (bodyLength > MAX_BODY_BYTES) return "other";
        }
        break;
      case 17:
        if (name.toLowerCase() === "transfer-encoding") return "other";
        break;
    }
    headers.push([name, value]);
  }
  if (host === undefined || host === "" || /[\s/?#@]/.test(host)) return "other";
  return { method, target, headers, host, close, end: stop + 4, bodyLength: bodyLength ?? 0 };
}

/** Index of the CRLFCRLF ending the head that starts at `start`; -1: not all here yet; -2: not ours (bare LF, too long, a leading empty line). */
function findHeadEnd(bytes: Uint8Array, start: number): number {
  if (bytes[start] === 0x0d || bytes[start] === 0x0a) return -2;
  for (let i = bytes.indexOf(0x0a, start); i >= 0; i = bytes.indexOf(0x0a, i + 1)) {
    if (i - start > MAX_HEAD_BYTES + 2 || bytes[i - 1] !== 0x0d) return -2;
    if (i + 1 >= bytes.length) return -1;
    if (bytes[i + 1] !== 0x0d) continue;
    if (i + 2 >= bytes.length) return -1;
    if (bytes[i + 2] === 0x0a) return i - 1;
    return -2;
  }
  return bytes.length - start > MAX_HEAD_BYTES ? -2 : -1;
}
