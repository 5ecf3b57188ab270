// Relays a SPDY/3.1 upgrade (kubectl exec/attach/port-forward's SPDY path) to the kubelet as
// upstream's UpgradeAwareHandler does (k8s.io/apimachinery pkg/util/proxy/upgradeaware.go): the
// request goes to the backend on its own connection; a non-101 answer is passed back as an
// ordinary response; after a 101 the backend's response head is written to the client and the
// two connections are spliced byte for byte. The client connection comes from the front
// (lib/tls/raw-connection.ts), as Bun.serve cannot hand out a socket.
import type { Socket } from "bun";
import { BytePipe } from "../../../lib/tls/byte-pipe.ts";
import type { RawConnection } from "../../../lib/tls/raw-connection.ts";

export interface UpgradeTls {
  cert: string;
  key: string;
  ca?: string;
  rejectUnauthorized: boolean;
}

/** The backend's answer to the upgrade request. */
export interface BackendAnswer {
  status: number;
  headers: Headers;
  /** The response head exactly as received, then what followed it. */
  head: Uint8Array;
  /** Non-101: the body (read to Content-Length or the close). */
  body(): Promise<Uint8Array>;
  /** 101: splices the backend to the client connection until either side ends. */
  splice(client: RawConnection): void;
  close(): void;
}

/** The subprotocol carrying a bearer token (upstream's websocket authenticator strips it too). */
const BEARER_PROTOCOL_PREFIX = "base64url.bearer.authorization.k8s.io.";

/** A Sec-WebSocket-Protocol list without the bearer-token protocol: the token is not the kubelet's. */
export function withoutBearerProtocol(list: string): string {
  return list
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p && !p.startsWith(BEARER_PROTOCOL_PREFIX))
    .join(", ");
}

/** Request headers the upgrade needs; credentials and the rest stay with the apiserver. */
const FORWARDED = [
  "upgrade",
  "connection",
  "x-stream-protocol-version",
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-protocol",
  "sec-websocket-extensions",
  "user-agent",
];
const MAX_HEAD = 64 * 1024;

function indexOfHeadEnd(b: Uint8Array): number {
  for (let i = 0; i + 3 < b.length; i++)
    if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i + 4;
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Go's dial error text for the usual failures (what kubectl prints after "error dialing backend"). */
function dialError(host: string, port: number, err: unknown): Error {
  const code = (err as { code?: string }).code;
  const addr = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  if (code === "ECONNREFUSED") return new Error(`dial tcp ${addr}: connect: connection refused`);
  if (code === "ETIMEDOUT") return new Error(`dial tcp ${addr}: i/o timeout`);
  return new Error(`dial tcp ${addr}: ${(err as Error).message}`);
}

/** Sends the upgrade request for `target` (http or https) and waits for the response head. */
export async function dialUpgrade(
  target: string,
  req: Request,
  tls: UpgradeTls | undefined,
  timeoutMs = 30_000,
): Promise<BackendAnswer> {
  const url = new URL(target);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const secure = url.protocol === "https:" || url.protocol === "wss:";
  const port = Number(url.port || (secure ? 443 : 80));
  let received: Uint8Array = new Uint8Array(0);
  let headSeen: (() => void) | undefined;
  let headFailed: ((e: Error) => void) | undefined;
  let client: RawConnection | undefined;
  let ended = false;
  let onEnd: (() => void) | undefined;
  /** Re-checks a waiting body read after more bytes or the end. */
  let check: (() => void) | undefined;
  const toBackend = new BytePipe();
  const gotHead = new Promise<void>((resolve, reject) => {
    headSeen = resolve;
    headFailed = reject;
  });
  // Bun drops what is written before the TLS handshake finished: the request waits for it.
  let handshook: (() => void) | undefined;
  let handshakeFailed: ((e: Error) => void) | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    handshook = resolve;
    handshakeFailed = reject;
  });
  // Awaited below; a failure before that point must not count as unhandled.
  ready.catch(() => undefined);
  gotHead.catch(() => undefined);
  let socket: Socket<undefined>;
  try {
    socket = await Bun.connect({
      hostname: host,
      port,
      ...(secure ? { tls: tls ?? { rejectUnauthorized: false } } : {}),
      socket: {
        handshake: (_s, success, verifyError) => {
          // Without a CA to check against (rejectUnauthorized false) the certificate is not verified, as upstream.
          if (success && (!verifyError || tls?.rejectUnauthorized !== true)) handshook?.();
          else handshakeFailed?.(new Error(`tls: ${verifyError?.message ?? "handshake failed"}`));
        },
        data: (_s, chunk) => {
          if (client) {
            client.write(chunk);
            return;
          }
          received = concat(received, chunk);
          check?.();
          if (headSeen && indexOfHeadEnd(received) >= 0) headSeen();
          else if (received.length > MAX_HEAD)
            headFailed?.(new Error("the backend's response head is too large"));
        },
        drain: () => toBackend.flush(),
        end: () => {
          ended = true;
          check?.();
          handshakeFailed?.(new Error("the connection closed during the TLS handshake"));
          headFailed?.(new Error("the backend closed the connection before answering"));
          onEnd?.();
        },
        close: () => {
          ended = true;
          check?.();
          handshakeFailed?.(new Error("the connection closed during the TLS handshake"));
          headFailed?.(new Error("the backend closed the connection before answering"));
          onEnd?.();
        },
        error: (_s, err) => {
          handshakeFailed?.(err);
          headFailed?.(err);
        },
      },
    });
  } catch (err) {
    throw dialError(host, port, err);
  }
  if (secure) {
    const timer = setTimeout(() => handshakeFailed?.(new Error("tls: handshake timed out")), timeoutMs);
    try {
      await ready;
    } catch (err) {
      socket.terminate();
      throw dialError(host, port, err);
    } finally {
      clearTimeout(timer);
    }
  }
  const lines = [`${req.method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
  for (const name of FORWARDED) {
    let value = req.headers.get(name);
    if (name === "sec-websocket-protocol" && value !== null) value = withoutBearerProtocol(value);
    if (value) lines.push(`${name}: ${value}`);
  }
  if (req.method !== "GET") lines.push("Content-Length: 0");
  socket.write(`${lines.join("\r\n")}\r\n\r\n`);
  const timer = setTimeout(() => headFailed?.(new Error(`no answer after ${timeoutMs} ms`)), timeoutMs);
  try {
    await gotHead;
  } catch (err) {
    socket.terminate();
    throw err;
  } finally {
    clearTimeout(timer);
    headSeen = undefined;
    headFailed = undefined;
  }
  const end = indexOfHeadEnd(received);
  const headText = new TextDecoder().decode(received.subarray(0, end));
  const [statusLine = "", ...headerLines] = headText.split("\r\n");
  const status = Number(statusLine.split(" ")[1]);
  const headers = new Headers();
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return {
    status,
    headers,
    head: received,
    async body() {
      const length = Number(headers.get("content-length") ?? Number.NaN);
      const complete = () => ended || (Number.isFinite(length) && received.length - end >= length);
      if (!complete()) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 5000);
          check = () => {
            if (!complete()) return;
            clearTimeout(timer);
            resolve();
          };
        });
      }
      socket.end();
      const body = received.subarray(end);
      return Number.isFinite(length) ? body.subarray(0, length) : body;
    },
    splice(raw) {
      client = raw;
      raw.write(received);
      toBackend.from({
        write: () => 0,
        end: () => undefined,
        pause: () => raw.pauseReading(),
        resume: () => raw.resumeReading(),
      });
      toBackend.to(socket);
      raw.start({
        data: (b) => toBackend.push(b),
        close: () => toBackend.end(),
        pause: () => socket.pause(),
        resume: () => socket.resume(),
      });
      onEnd = () => raw.end();
      if (ended) raw.end();
    },
    close() {
      socket.terminate();
    },
  };
}

/** The backend's answer to a refused upgrade, as a response of ours (status, type and body). */
export async function responseOf(answer: BackendAnswer): Promise<Response> {
  const body = await answer.body();
  const headers = new Headers();
  const type = answer.headers.get("content-type");
  if (type) headers.set("Content-Type", type);
  return new Response(body, { status: answer.status, headers });
}

const REASON_PHRASES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Writes a response on a connection taken over from the front, then closes it. */
export async function writeResponse(raw: RawConnection, res: Response): Promise<void> {
  const body = new Uint8Array(await res.arrayBuffer());
  const type = res.headers.get("content-type") ?? "text/plain; charset=utf-8";
  const head =
    `HTTP/1.1 ${res.status} ${REASON_PHRASES[res.status] ?? "Error"}\r\n` +
    `Content-Type: ${type}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  raw.write(new TextEncoder().encode(head));
  raw.write(body);
  raw.end();
}
