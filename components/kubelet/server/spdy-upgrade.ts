// The SPDY/3.1 upgrade of the kubelet's streaming endpoints (k8s.io/apimachinery
// pkg/util/httpstream: Handshake negotiates X-Stream-Protocol-Version in the client's order;
// spdy/upgrade.go answers 101 with Connection: Upgrade, Upgrade: SPDY/3.1). The connection itself
// is taken over from the front (lib/tls/raw-connection.ts); Bun.serve cannot hand out a socket.
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { RawConnection } from "../../../lib/tls/raw-connection.ts";

/** Takes the connection a request arrived on over; undefined when the server has no front. */
export type TakeOver = (req: Request) => RawConnection | undefined;

export function isSpdyUpgrade(req: Request): boolean {
  const upgrade = (req.headers.get("upgrade") ?? "").toLowerCase();
  const connection = (req.headers.get("connection") ?? "").toLowerCase();
  return upgrade.includes("spdy/3.1") && connection.includes("upgrade");
}

/** The client's X-Stream-Protocol-Version values, in its order (repeated or comma-separated). */
export function offeredStreamProtocols(req: Request): string[] {
  return (req.headers.get("x-stream-protocol-version") ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
}

/** Upstream's httpstream.Handshake: the first protocol of the client's that the server accepts. */
export function negotiateStreamProtocol(req: Request, serverProtocols: readonly string[]): string {
  const offered = offeredStreamProtocols(req);
  if (offered.length === 0)
    throw StatusError.badRequest("unable to upgrade: X-Stream-Protocol-Version is required");
  const chosen = offered.find((p) => serverProtocols.includes(p));
  if (!chosen) {
    throw StatusError.of(
      403,
      "Forbidden",
      `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(" ")}], server accepts [${serverProtocols.join(" ")}]`,
    );
  }
  return chosen;
}

/**
 * Takes the connection over and writes the 101; throws (an ordinary HTTP error) when this
 * server cannot take connections over.
 */
export function acceptSpdyUpgrade(
  takeOver: TakeOver | undefined,
  req: Request,
  protocol: string,
): RawConnection {
  const raw = takeOver?.(req);
  if (!raw) {
    throw StatusError.badRequest(
      "SPDY/3.1 upgrades need the kubelet's TLS serving (its front takes the connection over); use a websocket (v5.channel.k8s.io, v4.channel.k8s.io or SPDY/3.1+portforward.k8s.io)",
    );
  }
  raw.write(
    new TextEncoder().encode(
      "HTTP/1.1 101 Switching Protocols\r\n" +
        "Connection: Upgrade\r\n" +
        "Upgrade: SPDY/3.1\r\n" +
        `X-Stream-Protocol-Version: ${protocol}\r\n` +
        `Date: ${new Date().toUTCString()}\r\n\r\n`,
    ),
  );
  return raw;
}
