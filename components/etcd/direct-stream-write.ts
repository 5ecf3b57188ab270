// Watch responses written straight to a call's HTTP/2 stream as gRPC frames (1 byte flag, 4
// bytes length, the message), as grpc-js's BaseServerInterceptingCall.sendMessage writes them,
// skipping its two Writable layers, interceptor chain and per-message trace text: with 100
// watchers per change that path was most of the etcd front's CPU per put. Used only once
// grpc-js has sent the headers and holds nothing queued, and from then on for every response
// of the call, so that responses keep their order; anything unexpected keeps grpc-js's path.

/** The parts of grpc-js's server call this reaches for (build/src/server-interceptors.js). */
interface BaseCall {
  stream: Http2Like;
  metadataSent: boolean;
  cancelled: boolean;
  nextCall?: unknown;
}

interface Http2Like {
  write(chunk: Buffer): boolean;
  destroyed: boolean;
  closed: boolean;
  writableEnded: boolean;
  once(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
}

/** The grpc-js call under a ServerDuplexStream, or undefined when it is not where it was. */
function baseCall(call: unknown): BaseCall | undefined {
  let c = (call as { call?: unknown }).call;
  for (let depth = 0; depth < 8 && c && typeof c === "object"; depth++) {
    const candidate = c as Partial<BaseCall>;
    if (
      typeof candidate.metadataSent === "boolean" &&
      candidate.stream &&
      typeof candidate.stream.write === "function"
    )
      return candidate as BaseCall;
    c = candidate.nextCall;
  }
  return undefined;
}

/** What write returns when the frame went out at once (or the stream is gone): nothing to wait for. */
export const WRITTEN: Promise<void> = Promise.resolve();

/** Frames written this way (tests check that the path is taken). */
export const directStreamWrites = { count: 0 };

export class DirectStreamWriter {
  private base: BaseCall | undefined;
  private direct = false;

  /** `call`: the grpc-js duplex stream (its writableLength says what grpc-js still holds). */
  constructor(private readonly call: { writableLength: number }) {
    this.base = baseCall(call);
  }

  /**
   * Writes `message` (protobuf bytes) as one gRPC frame; the promise settles once the stream
   * can take more. Undefined (nothing written): the caller writes through grpc-js instead.
   */
  write(message: Buffer): Promise<void> | undefined {
    const base = this.base;
    if (!base) return undefined;
    if (!this.direct) {
      if (!base.metadataSent || this.call.writableLength > 0) return undefined;
      this.direct = true;
    }
    const stream = base.stream;
    // As grpc-js's checkCancelled, and never a write after the end (the status is out).
    if (base.cancelled || stream.destroyed || stream.closed || stream.writableEnded) return WRITTEN;
    const frame = Buffer.allocUnsafe(message.length + 5);
    frame[0] = 0; // not compressed
    frame.writeUInt32BE(message.length, 1);
    message.copy(frame, 5);
    directStreamWrites.count++;
    if (stream.write(frame)) return WRITTEN;
    return new Promise((resolve) => {
      const events = ["drain", "close", "error"];
      const done = () => {
        for (const event of events) stream.off(event, done);
        resolve();
      };
      for (const event of events) stream.once(event, done);
    });
  }
}
