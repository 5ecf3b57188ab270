// Messages between a TLS front on a Worker (tls-front-worker.ts) and the thread that owns it
// (tls-front-thread.ts). Connections are named by their inner port and the sequence number
// the shared peer table gave them.
import type { PeerTableBuffers } from "./peer-table.ts";
import type { TlsFrontOptions } from "./tls-front.ts";

/** Owner → Worker. */
export type ToFront =
  | { type: "start"; options: TlsFrontOptions; buffers: PeerTableBuffers }
  | { type: "stop" }
  | { type: "claim"; port: number; seq: number }
  | { type: "write"; seq: number; bytes: Uint8Array }
  | { type: "end"; seq: number }
  | { type: "pause"; seq: number }
  | { type: "resume"; seq: number };

/** Worker → owner. */
export type ToOwner =
  | { type: "listening"; hostname: string; port: number }
  | { type: "failed"; message: string }
  | { type: "stopped" }
  | { type: "data"; seq: number; bytes: Uint8Array }
  | { type: "closed"; seq: number }
  | { type: "behind"; seq: number; paused: boolean };
