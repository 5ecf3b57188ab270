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
  /** server -> child: a whole response: u32 length of its JSON head {s, h}, the head, the body. */
  full: 8,
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

/** A request (or whole response) frame's payload: the JSON head's length, the head, the body. */
export function requestPayload(head: RequestHead | ResponseHead, body: Uint8Array): Uint8Array {
  const json = encoder.encode(JSON.stringify(head));
  const out = new Uint8Array(4 + json.length + body.length);
  new DataView(out.buffer).setUint32(0, json.length);
  out.set(json, 4);
  out.set(body, 4 + json.length);
  return out;
}

export function parseRequestPayload<H = RequestHead>(payload: Uint8Array): { head: H; body: Uint8Array } {
  const length = new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0);
  const head = JSON.parse(new TextDecoder().decode(payload.subarray(4, 4 + length))) as H;
  return { head, body: payload.subarray(4 + length) };
}

/**
 * Whether a request's response streams until the caller stops it (a watch, a followed log):
 * those go as head, data and end frames; any other response is read whole and sent as one frame.
 */
export function streamsResponse(pathAndQuery: string): boolean {
  const q = pathAndQuery.indexOf("?");
  const path = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
  // The deprecated watch paths: /api/v1/watch/..., /apis/<group>/<version>/watch/...
  if (/^\/(api\/[^/]+|apis\/[^/]+\/[^/]+)\/watch(\/|$)/.test(path)) return true;
  return q >= 0 && /[?&](watch|follow)=(true|1)(&|$)/.test(pathAndQuery.slice(q));
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

/** Frames up to this size are copied into one write with their neighbours; larger ones go alone. */
const COALESCE_MAX = 64 * 1024;

/**
 * Writes frames to a socket in order, keeping what the socket did not take until it drains.
 * Frames sent in one turn of the event loop leave in one write at its end (setImmediate): a
 * socket write per frame (a response's head, body and end are three) was ~11 % of the server
 * thread's samples while 1000 fake kubelets restarted.
 */
export class FrameWriter {
  private queue: Uint8Array[] = [];
  private corked: Uint8Array[] = [];
  private scheduled = false;

  constructor(private readonly write: (bytes: Uint8Array) => number) {}

  send(bytes: Uint8Array): void {
    this.corked.push(bytes);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Writes what was sent in this turn now (the queue keeps what the socket does not take). */
  flush(): void {
    this.scheduled = false;
    const frames = this.corked;
    if (frames.length === 0) return;
    this.corked = [];
    let group: Uint8Array[] = [];
    let groupBytes = 0;
    const emit = (bytes: Uint8Array): void => {
      if (this.queue.length > 0) {
        this.queue.push(bytes);
        return;
      }
      const written = Math.max(0, this.write(bytes));
      if (written < bytes.length) this.queue.push(bytes.subarray(written));
    };
    const emitGroup = (): void => {
      if (group.length === 0) return;
      emit(group.length === 1 ? (group[0] as Uint8Array) : Buffer.concat(group, groupBytes));
      group = [];
      groupBytes = 0;
    };
    for (const bytes of frames) {
      if (bytes.length > COALESCE_MAX) {
        emitGroup();
        emit(bytes);
      } else {
        group.push(bytes);
        groupBytes += bytes.length;
        if (groupBytes >= COALESCE_MAX) emitGroup();
      }
    }
    emitGroup();
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
