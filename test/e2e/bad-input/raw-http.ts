// HTTP/1.1 over a plain socket, for what fetch cannot send: a bad Host header, HTTP/1.0
// without Host, unknown methods, bodies trickled slowly or streamed past the size limit.
// Each request writes `Connection: close`-style input and reads until the server closes or
// answers in full (Content-Length or chunked), or `timeoutMs` passes.
import { connect, type Socket } from "node:net";

export interface RawResponse {
  /** 0 when the server closed the connection without answering. */
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawRequest {
  /** The request head and any body bytes, written at once. */
  head: string;
  /** Body chunks written one after another, `delayMs` apart (chunked encoding is up to `head`). */
  chunks?: () => AsyncIterable<Uint8Array | string>;
  timeoutMs?: number;
}

export function rawRequest(port: number, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, "127.0.0.1");
    let data = Buffer.alloc(0);
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parse(data));
    };
    const timer = setTimeout(finish, req.timeoutMs ?? 10_000);
    socket.on("data", (d: Buffer) => {
      data = Buffer.concat([data, d]);
      if (complete(data)) finish();
    });
    socket.on("close", finish);
    socket.on("error", finish);
    socket.on("connect", async () => {
      socket.write(req.head);
      if (!req.chunks) return;
      try {
        for await (const c of req.chunks()) {
          if (settled || socket.destroyed) return;
          if (!socket.write(c)) await new Promise((r) => socket.once("drain", r));
        }
      } catch {
        // the server closed the connection while we were writing: the answer is what matters
      }
    });
  });
}

function splitHead(data: Buffer): { head: string; body: Buffer } | undefined {
  const at = data.indexOf("\r\n\r\n");
  if (at < 0) return undefined;
  return { head: data.subarray(0, at).toString("latin1"), body: data.subarray(at + 4) };
}

function headersOf(head: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of head.split("\r\n").slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function complete(data: Buffer): boolean {
  const split = splitHead(data);
  if (!split) return false;
  const headers = headersOf(split.head);
  if (headers["content-length"] !== undefined) return split.body.length >= Number(headers["content-length"]);
  if (headers["transfer-encoding"] === "chunked")
    return split.body.includes("\r\n0\r\n\r\n") || split.body.subarray(0, 5).toString() === "0\r\n\r\n";
  return false;
}

function dechunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf("\r\n", at);
    if (eol < 0) break;
    const size = Number.parseInt(body.subarray(at, eol).toString(), 16);
    if (!size) break;
    out.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

function parse(data: Buffer): RawResponse {
  const split = splitHead(data);
  if (!split) return { status: 0, headers: {}, body: data.toString() };
  const status = Number(split.head.split(" ")[1] ?? "0");
  const headers = headersOf(split.head);
  const body = headers["transfer-encoding"] === "chunked" ? dechunk(split.body) : split.body;
  return { status, headers, body: body.toString() };
}
