// Secure serving: the TLS front (lib/tls) terminates TLS, records the client's certificate and
// answers requests without a body or upgrade itself (the chain handler in-process); the others go
// to an inner Bun.serve on loopback, which looks the certificate up by the hop's port and hands a
// request's raw client connection to an upgrade (SPDY, websockets) on request.
import type { Server } from "bun";
import { malformedRequest, serverErrorResponse } from "../../lib/errors/malformed-request.ts";
import { statusResponse } from "../../lib/errors/status-response.ts";
import type { RawConnection } from "../../lib/tls/raw-connection.ts";
import { startTlsFront, type TlsFront } from "../../lib/tls/tls-front.ts";
import type { FetchHandler } from "./api-handler.ts";
import { contextOf } from "./filters/request-context.ts";
import { DEFAULT_REQUEST_TIMEOUT_MS, requestTimeout } from "./http/body.ts";
import { type RelaySocketData, relayWebSocket } from "./http/websocket-relay.ts";

export interface SecureServingOptions {
  bindAddress: string;
  /** 0 picks a free port. */
  port: number;
  certPem: string;
  keyPem: string;
  /** Client certificates are asked for and verified against this bundle when given. */
  clientCaPem?: string;
}

export interface SecureServer {
  front: TlsFront;
  /** The client connection of a request the inner server received (`srv`), for an upgrade. */
  takeOver(req: Request, srv: Server<RelaySocketData> | undefined): RawConnection | undefined;
  stop(): Promise<void>;
}

/**
 * HTTPS: the TLS front (lib/tls) terminates and records the client's certificate; the inner
 * Bun.serve, on loopback only, puts it in the request context for the authentication filter.
 * A request that reaches the inner port directly has no peer, so it is anonymous.
 */
export function startSecureServer(
  opts: SecureServingOptions,
  chainHandler: FetchHandler,
  receivedBy: WeakMap<Request, Server<RelaySocketData>>,
  requestTimeoutMs: number | undefined,
): SecureServer {
  let front: TlsFront | undefined;
  const askPeer = opts.clientCaPem !== undefined;
  const inner: Server<RelaySocketData> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req, srv) => {
      const malformed = malformedRequest(req);
      if (malformed) return malformed;
      receivedBy.set(req, srv);
      contextOf(req).overSocket = true;
      if (requestTimeoutMs !== undefined) contextOf(req).requestTimeoutMs = requestTimeoutMs;
      // Without a client CA there is no peer to look up (requestIP is a getpeername call).
      if (askPeer) {
        const port = srv.requestIP(req)?.port;
        const peer = port === undefined ? undefined : front?.peerOf(port);
        if (peer) contextOf(req).peer = peer;
      }
      return chainHandler(req);
    },
    websocket: relayWebSocket,
    // Watches and log follows stay open for as long as the client wants.
    idleTimeout: 0,
    // Never Bun's development error page: what escapes the chain leaves as a Status.
    development: false,
    error: serverErrorResponse,
  });
  try {
    front = startTlsFront({
      hostname: opts.bindAddress,
      port: opts.port,
      certPem: opts.certPem,
      keyPem: opts.keyPem,
      ...(opts.clientCaPem ? { clientCaPem: opts.clientCaPem } : {}),
      target: { hostname: "127.0.0.1", port: inner.port ?? 0 },
      // Requests without an upgrade or a chunked body skip the inner hop: the front builds the
      // Request and writes the Response itself, with the connection's certificate as the peer.
      handler: {
        fetch: (req, connection) => {
          const malformed = malformedRequest(req);
          if (malformed) return malformed;
          contextOf(req).overSocket = true;
          if (requestTimeoutMs !== undefined) contextOf(req).requestTimeoutMs = requestTimeoutMs;
          if (connection.peer) contextOf(req).peer = connection.peer;
          return chainHandler(req);
        },
        error: serverErrorResponse,
        // The body of a request the front answers is read before the handler runs: its timeout too.
        bodyTimeoutMs: requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        bodyTimeout: () => statusResponse(requestTimeout()),
        whole: finiteResponse,
      },
    });
  } catch (err) {
    void inner.stop(true);
    throw err;
  }
  const started = front;
  return {
    front: started,
    takeOver(req, srv) {
      const port = srv === inner ? inner.requestIP(req)?.port : undefined;
      return port === undefined ? undefined : started.takeOver(port);
    },
    async stop() {
      await started.stop();
      await inner.stop(true);
    },
  };
}

/** Most a list page may hold for its body to be read whole (client-go's and kubectl's page is 500). */
const WHOLE_LIST_LIMIT = 500;

/**
 * Requests whose responses the front may read whole: writes (an object or a Status), and reads that
 * are neither a watch, a log follow, a proxy (any of which may stream for minutes) nor a list
 * without a `limit` of at most 500 (a big list streams in chunks over a socket).
 */
function finiteResponse(method: string, target: string): boolean {
  const mark = target.indexOf("?");
  const path = mark < 0 ? target : target.slice(0, mark);
  if (path.includes("/proxy")) return false;
  if (method !== "GET" && method !== "HEAD") return true;
  if (path.includes("/watch/") || path.endsWith("/log")) return false;
  if (mark < 0) return !isCollection(path);
  const query = new URLSearchParams(target.slice(mark + 1));
  const watch = query.get("watch");
  if ((watch !== null && watch !== "false" && watch !== "0") || query.has("follow")) return false;
  const limit = Number(query.get("limit") ?? "0");
  if (Number.isInteger(limit) && limit > 0 && limit <= WHOLE_LIST_LIMIT) return true;
  return !isCollection(path);
}

/** A collection path: /api/v1/pods, /api/v1/namespaces/x/pods, /apis/g/v/pods, /apis/g/v/namespaces/x/pods. */
function isCollection(path: string): boolean {
  const parts = path.split("/").filter((p) => p !== "");
  const base = parts[0] === "api" ? 2 : parts[0] === "apis" ? 3 : -1;
  if (base < 0) return false;
  const rest = parts.length - base;
  if (rest === 1) return true;
  return parts[base] === "namespaces" && rest === 3;
}
