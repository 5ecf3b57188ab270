// Secure serving: the TLS front (lib/tls) terminates TLS and records the client's certificate;
// the inner Bun.serve, on loopback only, puts it in the request context for the authentication
// filter, and hands a request's raw client connection to an upgrade (SPDY, websockets) on request.
import type { Server } from "bun";
import { malformedRequest, serverErrorResponse } from "../../lib/errors/malformed-request.ts";
import type { RawConnection } from "../../lib/tls/raw-connection.ts";
import { startTlsFront, type TlsFront } from "../../lib/tls/tls-front.ts";
import type { FetchHandler } from "./api-handler.ts";
import { contextOf } from "./filters/request-context.ts";
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
