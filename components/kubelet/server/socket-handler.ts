// What a kubelet websocket carries once upgraded: the upgrade stores `open` in the socket's data,
// and the server's websocket callbacks hand each message and the close to the handler it made.
import type { ServerWebSocket } from "bun";

export interface SocketHandler {
  receive(message: Uint8Array): void;
  closed(): void;
  /** The socket's send buffer drained after a send returned -1 (backpressure). */
  drain?(): void;
}

/** Bun's send result: -1 means queued over the backpressure mark (0 would be dropped). */
export const BACKPRESSURE = -1;

export interface KubeletSocketData {
  open(ws: ServerWebSocket<KubeletSocketData>): SocketHandler;
  handler?: SocketHandler;
}

/** The offered subprotocols of a websocket request, in the client's order. */
export function offeredProtocols(req: Request): string[] {
  return (req.headers.get("sec-websocket-protocol") ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
}

export function isWebSocketUpgrade(req: Request): boolean {
  return (req.headers.get("upgrade") ?? "").toLowerCase() === "websocket";
}
