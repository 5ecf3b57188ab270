// Relays a client's websocket (kubectl exec/attach/port-forward) to the kubelet's, message by
// message, as upstream's apiserver proxies the upgraded connection (k8s.io/apimachinery
// pkg/util/proxy/upgradeaware.go). The backend socket is opened first, so the subprotocol the
// kubelet chose is the one echoed in our 101; messages the backend sends before the client's
// socket is open wait in `pending`. A browser-style WebSocket cannot be paused, so a client that
// falls too far behind is disconnected (1011) rather than silently losing messages. The secure
// port splices upgrades byte for byte instead (upgrade-relay.ts), with TCP's backpressure.
import type { ServerWebSocket, WebSocketHandler } from "bun";

export interface RelaySocketData {
  backend: WebSocket;
  /** The negotiated subprotocol (echoed to the client). */
  protocol: string;
  pending: Array<ArrayBuffer | string>;
  client?: ServerWebSocket<RelaySocketData>;
  backendClosed?: { code: number; reason: string };
}

/** What the apiserver's Bun server offers handlers: upgrade this request into a relay. */
export type RelayUpgrade = (req: Request, data: RelaySocketData) => boolean;

/** Codes a peer may send in a close frame (1005, 1006 and 1015 are reserved for local use). */
function sendableCode(code: number): number {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999)
    ? code
    : 1000;
}

/**
 * Waits for the backend websocket (opened by the caller, with its TLS options) to open; rejects
 * if the handshake fails or takes longer than timeoutMs.
 */
export function dialRelay(backend: WebSocket, timeoutMs = 10_000): Promise<RelaySocketData> {
  return new Promise((resolve, reject) => {
    backend.binaryType = "arraybuffer";
    const data: RelaySocketData = { backend, protocol: "", pending: [] };
    let opened = false;
    const timer = setTimeout(() => {
      if (opened) return;
      backend.close();
      reject(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    backend.onopen = () => {
      opened = true;
      clearTimeout(timer);
      data.protocol = backend.protocol;
      resolve(data);
    };
    backend.onerror = () => {
      if (opened) return;
      clearTimeout(timer);
      reject(new Error("the websocket handshake with the kubelet failed"));
    };
    backend.onmessage = (e: MessageEvent) => {
      const m = e.data as ArrayBuffer | string;
      if (!data.client) {
        data.pending.push(m);
        return;
      }
      // 0: Bun dropped the message (past its backpressure limit); a gap would corrupt the stream.
      if (data.client.send(m) === 0) {
        data.client.close(1011, "the client fell too far behind");
        backend.close();
      }
    };
    backend.onclose = (e: CloseEvent) => {
      clearTimeout(timer);
      if (!opened) reject(new Error(`the kubelet closed the websocket (${e.code} ${e.reason})`));
      data.backendClosed = { code: sendableCode(e.code), reason: e.reason };
      data.client?.close(data.backendClosed.code, data.backendClosed.reason);
    };
  });
}

/** The apiserver's Bun.serve websocket callbacks: every upgraded socket is a relay. */
export const relayWebSocket: WebSocketHandler<RelaySocketData> = {
  open(ws) {
    ws.data.client = ws;
    for (const m of ws.data.pending.splice(0)) ws.send(m);
    const closed = ws.data.backendClosed;
    if (closed) ws.close(closed.code, closed.reason);
  },
  message(ws, message) {
    if (ws.data.backend.readyState === WebSocket.OPEN) ws.data.backend.send(message);
  },
  close(ws, code, reason) {
    const b = ws.data.backend;
    if (b.readyState === WebSocket.OPEN || b.readyState === WebSocket.CONNECTING)
      b.close(sendableCode(code), reason);
  },
};
