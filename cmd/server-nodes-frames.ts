// The frames of the bridge between kube server and its fake nodes' process: many requests and
// their (streamed) responses multiplexed over one socket, since one socket per request ran out of
// file descriptors at 5000 nodes (each kubelet keeps a pod watch and a ConfigMap watch per namespace).
// A frame: u32 length of what follows, u8 type, u32 stream id, payload.

export const FRAME = {
  /** child -> server, stream 0: the token. */
  hello: 1,
  /** child -> server: u32 length of a JSON head {m, u, h, n}, the head, then the body. */
  request: 2,
  /** child -> server: the caller gave up on the stream (an aborted watch). */
  cancel: 3,
  /** server -> child: JSON {s, h}: the response's status and headers. */
  head: 4,
  /** server -> child: body bytes. */
  data: 5,
  /** server -> child: the body ended. */
  end: 6,
  /** server -> child: the request or its body failed (a message). */
  error: 7,
} as const;

export interface RequestHead {
  /** method */
  m: string;
  /** path and query */
  u: string;
  /** headers */
  h: Record<string, string>;
  /** the node it acts as */
  n: string;
}

export interface ResponseHead {
  s: number;
  h: Record<string, string>;
}

const encoder = new TextEncoder();

export function frame(
  type: number,
  id: number,
  payload: Uint8Array | string = new Uint8Array(0),
): Uint8Array {
  const bytes = typeof payload === "string" ? encoder.encode(payload) : payload;
  const out = new Uint8Array(9 + bytes.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 5 + bytes.length);
  out[4] = type;
  view.setUint32(5, id);
  out.set(bytes, 9);
  return out;
}

/** A request frame's payload: the JSON head's length, the head, the body. */
export function requestPayload(head: RequestHead, body: Uint8Array): Uint8Array {
  const json = encoder.encode(JSON.stringify(head));
  const out = new Uint8Array(4 + json.length + body.length);
  new DataView(out.buffer).setUint32(0, json.length);
  out.set(json, 4);
  out.set(body, 4 + json.length);
  return out;
}

export function parseRequestPayload(payload: Uint8Array): { head: RequestHead; body: Uint8Array } {
  const length = new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0);
  const head = JSON.parse(new TextDecoder().decode(payload.subarray(4, 4 + length))) as RequestHead;
  return { head, body: payload.subarray(4 + length) };
}

/** Cuts a byte stream into frames, across chunk boundaries. */
export class FrameReader {
  private buffered = new Uint8Array(0);

  constructor(private readonly onFrame: (type: number, id: number, payload: Uint8Array) => void) {}

  push(chunk: Uint8Array): void {
    let bytes = chunk;
    if (this.buffered.length > 0) {
      bytes = new Uint8Array(this.buffered.length + chunk.length);
      bytes.set(this.buffered);
      bytes.set(chunk, this.buffered.length);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    while (bytes.length - at >= 4) {
      const length = view.getUint32(at);
      if (bytes.length - at - 4 < length) break;
      const type = bytes[at + 4] as number;
      const id = view.getUint32(at + 5);
      // A copy: the payload outlives this chunk (a body stream keeps it).
      this.onFrame(type, id, bytes.slice(at + 9, at + 4 + length));
      at += 4 + length;
    }
    this.buffered = at === bytes.length ? new Uint8Array(0) : bytes.slice(at);
  }
}

/** Writes frames to a socket in order, keeping what the socket did not take until it drains. */
export class FrameWriter {
  private queue: Uint8Array[] = [];

  constructor(private readonly write: (bytes: Uint8Array) => number) {}

  send(bytes: Uint8Array): void {
    if (this.queue.length > 0) {
      this.queue.push(bytes);
      return;
    }
    const written = Math.max(0, this.write(bytes));
    if (written < bytes.length) this.queue.push(bytes.subarray(written));
  }

  /** The socket can take more (its drain event). */
  drain(): void {
    while (this.queue.length > 0) {
      const next = this.queue[0] as Uint8Array;
      const written = Math.max(0, this.write(next));
      if (written < next.length) {
        this.queue[0] = next.subarray(written);
        return;
      }
      this.queue.shift();
    }
  }
}
