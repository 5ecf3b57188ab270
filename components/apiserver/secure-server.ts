// Secure serving: the TLS front (lib/tls) terminates TLS and records the client's certificate;
// the inner Bun.serve, on an abstract unix socket, puts it in the request context for the
// authentication filter, and hands a request's raw client connection to an upgrade (SPDY, websockets).
import { randomUUID } from "node:crypto";
import type { Server } from "bun";
import { malformedRequest, serverErrorResponse } from "../../lib/errors/malformed-request.ts";
import type { RawConnection } from "../../lib/tls/raw-connection.ts";
import { startTlsFront, type TlsFront } from "../../lib/tls/tls-front.ts";
import type { FetchHandler } from "./api-handler.ts";
import { contextOf } from "./filters/request-context.ts";
import { type RelaySocketData, relayWebSocket } from "./http/websocket-relay.ts";

const NO_IDLE_TIMEOUT: object = { idleTimeout: 0 };

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
 * Bun.serve, on an abstract unix socket (cheaper than a loopback TCP hop), learns each request's
 * connection from the front's header and puts its certificate in the request context for the
 * authentication filter. A request that reaches the inner socket directly, or with a header the
 * front did not write, has no peer, so it is anonymous.
 */
export function startSecureServer(
  opts: SecureServingOptions,
  chainHandler: FetchHandler,
  receivedBy: WeakMap<Request, Server<RelaySocketData>>,
  requestTimeoutMs: number | undefined,
): SecureServer {
  let front: TlsFront | undefined;
  // The connection each request came through (for an upgrade's takeover).
  const connectionOf = new WeakMap<Request, number>();
  const unix = `\0kube-apiserver-${randomUUID()}`;
  const inner: Server<RelaySocketData> = Bun.serve({
    unix,
    fetch: (req, srv) => {
      // Read (and removed) before anything else sees the request's headers.
      const id = front?.connectionOf(req);
      const malformed = malformedRequest(req);
      if (malformed) return malformed;
      receivedBy.set(req, srv);
      contextOf(req).overSocket = true;
      if (requestTimeoutMs !== undefined) contextOf(req).requestTimeoutMs = requestTimeoutMs;
      if (id !== undefined) {
        connectionOf.set(req, id);
        const peer = front?.peerOfConnection(id);
        if (peer) contextOf(req).peer = peer;
      }
      return chainHandler(req);
    },
    websocket: relayWebSocket,
    // Watches and log follows stay open for as long as the client wants (Bun honours idleTimeout
    // on a unix socket too, though its types leave it out there).
    ...NO_IDLE_TIMEOUT,
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
      target: { unix },
    });
  } catch (err) {
    void inner.stop(true);
    throw err;
  }
  const started = front;
  return {
    front: started,
    takeOver(req, srv) {
      const id = srv === inner ? connectionOf.get(req) : undefined;
      return id === undefined ? undefined : started.takeOverConnection(id);
    },
    async stop() {
      await started.stop();
      await inner.stop(true);
    },
  };
}
