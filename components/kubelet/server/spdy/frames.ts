// SPDY/3.1 frames (draft-mbelshe-httpbis-spdy-00 §2.2, §2.6): encoding, and a reader that
// takes bytes in any split (websocket messages carry arbitrary pieces of the byte stream) and
// yields whole frames. Header blocks stay compressed here; header-block.ts handles them.

export const FLAG_FIN = 0x01;

/** RST_STREAM status codes used by kube (§2.6.3). */
export const RST_PROTOCOL_ERROR = 1;
export const RST_REFUSED_STREAM = 3;
export const RST_CANCEL = 5;

export type SpdyFrame =
  | { type: "data"; streamId: number; fin: boolean; data: Uint8Array }
  | {
      type: "syn_stream";
      streamId: number;
      associatedId: number;
      priority: number;
      fin: boolean;
      headerBlock: Uint8Array;
    }
  | { type: "syn_reply"; streamId: number; fin: boolean; headerBlock: Uint8Array }
  | { type: "rst_stream"; streamId: number; status: number }
  | { type: "settings"; payload: Uint8Array }
  | { type: "ping"; id: number }
  | { type: "goaway"; lastStreamId: number; status: number }
  | { type: "headers"; streamId: number; fin: boolean; headerBlock: Uint8Array }
  | { type: "window_update"; streamId: number; delta: number }
  | { type: "unknown"; frameType: number; flags: number; payload: Uint8Array };

const CONTROL_TYPES: Record<string, number> = {
  syn_stream: 1,
  syn_reply: 2,
  rst_stream: 3,
  settings: 4,
  ping: 6,
  goaway: 7,
  headers: 8,
  window_update: 9,
};

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function frame(head: number[], flags: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  out.set(head, 0);
  out[4] = flags;
  out[5] = (payload.length >>> 16) & 0xff;
  out[6] = (payload.length >>> 8) & 0xff;
  out[7] = payload.length & 0xff;
  out.set(payload, 8);
  return out;
}

function concat(prefix: number[], rest: Uint8Array = new Uint8Array()): Uint8Array {
  const out = new Uint8Array(prefix.length + rest.length);
  out.set(prefix, 0);
  out.set(rest, prefix.length);
  return out;
}

export function encodeFrame(f: SpdyFrame): Uint8Array {
  if (f.type === "data") return frame(u32(f.streamId & 0x7fffffff), f.fin ? FLAG_FIN : 0, f.data);
  if (f.type === "unknown")
    return frame([0x80, 0x03, f.frameType >> 8, f.frameType & 0xff], f.flags, f.payload);
  const t = CONTROL_TYPES[f.type] as number;
  const head = [0x80, 0x03, 0, t];
  switch (f.type) {
    case "syn_stream":
      return frame(
        head,
        f.fin ? FLAG_FIN : 0,
        concat([...u32(f.streamId), ...u32(f.associatedId), (f.priority & 7) << 5, 0], f.headerBlock),
      );
    case "syn_reply":
    case "headers":
      return frame(head, f.fin ? FLAG_FIN : 0, concat(u32(f.streamId), f.headerBlock));
    case "rst_stream":
      return frame(head, 0, concat([...u32(f.streamId), ...u32(f.status)]));
    case "settings":
      return frame(head, 0, f.payload);
    case "ping":
      return frame(head, 0, concat(u32(f.id)));
    case "goaway":
      return frame(head, 0, concat([...u32(f.lastStreamId), ...u32(f.status)]));
    case "window_update":
      return frame(head, 0, concat([...u32(f.streamId), ...u32(f.delta)]));
  }
}

function readU32(b: Uint8Array, at: number): number {
  return (
    (((b[at] as number) << 24) |
      ((b[at + 1] as number) << 16) |
      ((b[at + 2] as number) << 8) |
      (b[at + 3] as number)) >>>
    0
  );
}

function decode(b: Uint8Array): SpdyFrame {
  const flags = b[4] as number;
  const payload = b.subarray(8);
  const fin = (flags & FLAG_FIN) !== 0;
  if (((b[0] as number) & 0x80) === 0) {
    return { type: "data", streamId: readU32(b, 0) & 0x7fffffff, fin, data: payload };
  }
  const frameType = ((b[2] as number) << 8) | (b[3] as number);
  const sid = () => readU32(payload, 0) & 0x7fffffff;
  switch (frameType) {
    case 1:
      return {
        type: "syn_stream",
        streamId: sid(),
        associatedId: readU32(payload, 4) & 0x7fffffff,
        priority: (payload[8] as number) >> 5,
        fin,
        headerBlock: payload.subarray(10),
      };
    case 2:
      return { type: "syn_reply", streamId: sid(), fin, headerBlock: payload.subarray(4) };
    case 3:
      return { type: "rst_stream", streamId: sid(), status: readU32(payload, 4) };
    case 4:
      return { type: "settings", payload };
    case 6:
      return { type: "ping", id: readU32(payload, 0) };
    case 7:
      return { type: "goaway", lastStreamId: sid(), status: readU32(payload, 4) };
    case 8:
      return { type: "headers", streamId: sid(), fin, headerBlock: payload.subarray(4) };
    case 9:
      return { type: "window_update", streamId: sid(), delta: readU32(payload, 4) & 0x7fffffff };
    default:
      return { type: "unknown", frameType, flags, payload };
  }
}

/** Accumulates bytes and returns every complete frame; a partial frame waits for more. */
export class FrameReader {
  private buffer = new Uint8Array(0);

  push(bytes: Uint8Array): SpdyFrame[] {
    if (this.buffer.length === 0) this.buffer = bytes.slice();
    else {
      const next = new Uint8Array(this.buffer.length + bytes.length);
      next.set(this.buffer, 0);
      next.set(bytes, this.buffer.length);
      this.buffer = next;
    }
    const frames: SpdyFrame[] = [];
    let at = 0;
    while (this.buffer.length - at >= 8) {
      const length =
        ((this.buffer[at + 5] as number) << 16) |
        ((this.buffer[at + 6] as number) << 8) |
        (this.buffer[at + 7] as number);
      if (this.buffer.length - at < 8 + length) break;
      // Copy: the frame outlives this buffer, which the next push replaces.
      frames.push(decode(this.buffer.slice(at, at + 8 + length)));
      at += 8 + length;
    }
    this.buffer = this.buffer.subarray(at);
    return frames;
  }
}
