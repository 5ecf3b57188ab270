// The server side of a SPDY/3.1 connection as kube uses it (moby/spdystream, which client-go
// speaks): the peer opens streams with SYN_STREAM, we SYN_REPLY, both sides send DATA and FIN,
// either side may RST_STREAM, PINGs are echoed. Flow control is not enforced (spdystream does
// not either). Frames are processed strictly in order because header blocks share one zlib
// stream per direction; outgoing frames leave in the order they were asked for.
import { encodeFrame, FrameReader, RST_PROTOCOL_ERROR, type SpdyFrame } from "./frames.ts";
import { HeaderCompressor, HeaderDecompressor, type SpdyHeaders } from "./header-block.ts";

/** One stream the peer opened. Set the `on*` callbacks inside `onStream`. */
export interface SpdyStream {
  readonly id: number;
  readonly headers: SpdyHeaders;
  /** Data from the peer. */
  ondata?: (data: Uint8Array) => void;
  /** The peer half-closed (FIN). */
  onend?: () => void;
  /** The peer reset the stream or the connection went away. */
  onreset?: () => void;
  reply(headers?: SpdyHeaders): Promise<void>;
  write(data: Uint8Array): Promise<void>;
  /** Half-close our side (an empty DATA frame with FIN). */
  end(): Promise<void>;
  reset(status: number): Promise<void>;
}

export interface SpdySessionOptions {
  /** Writes bytes to the peer (one websocket message, or a socket write). */
  send(bytes: Uint8Array): void;
  onStream(stream: SpdyStream): void;
  /** A framing or compression error; the caller should close the connection. */
  onError?(err: Error): void;
}

interface StreamState {
  stream: SpdyStream;
  remoteClosed: boolean;
  localClosed: boolean;
}

export class SpdySession {
  private readonly reader = new FrameReader();
  private readonly inflate = new HeaderDecompressor();
  private readonly deflate = new HeaderCompressor();
  private readonly streams = new Map<number, StreamState>();
  private inbound: Promise<void> = Promise.resolve();
  private outbound: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: SpdySessionOptions) {}

  /** Bytes from the peer, split anywhere. */
  receive(bytes: Uint8Array): void {
    if (this.closed) return;
    const frames = this.reader.push(bytes);
    for (const f of frames) {
      this.inbound = this.inbound
        .then(() => (this.closed ? undefined : this.handle(f)))
        .catch((err) => this.fail(err));
    }
  }

  /** Resets every open stream and releases the zlib streams. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.stream.onreset?.();
    this.streams.clear();
    this.inflate.close();
    this.deflate.close();
  }

  get openStreams(): number {
    return this.streams.size;
  }

  private fail(err: unknown): void {
    if (this.closed) return;
    this.options.onError?.(err instanceof Error ? err : new Error(String(err)));
    this.close();
  }

  /** Queue an outgoing frame; `build` runs in order, so header compression stays in sequence. */
  private emit(build: () => Promise<SpdyFrame> | SpdyFrame): Promise<void> {
    const next = this.outbound.then(async () => {
      if (this.closed) return;
      this.options.send(encodeFrame(await build()));
    });
    this.outbound = next.catch((err) => this.fail(err));
    return this.outbound;
  }

  private async handle(f: SpdyFrame): Promise<void> {
    switch (f.type) {
      case "syn_stream": {
        const headers = await this.inflate.decompress(f.headerBlock);
        if (this.streams.has(f.streamId)) {
          await this.emit(() => ({ type: "rst_stream", streamId: f.streamId, status: RST_PROTOCOL_ERROR }));
          return;
        }
        const state: StreamState = {
          stream: this.newStream(f.streamId, headers),
          remoteClosed: f.fin,
          localClosed: false,
        };
        this.streams.set(f.streamId, state);
        this.options.onStream(state.stream);
        if (f.fin) state.stream.onend?.();
        return;
      }
      case "syn_reply":
      case "headers":
        // Decompressed only to keep the shared zlib stream in step.
        await this.inflate.decompress(f.headerBlock);
        return;
      case "data": {
        const state = this.streams.get(f.streamId);
        if (!state) return;
        if (f.data.length > 0) state.stream.ondata?.(f.data);
        if (f.fin) {
          state.remoteClosed = true;
          state.stream.onend?.();
          this.forgetIfDone(f.streamId, state);
        }
        return;
      }
      case "rst_stream": {
        const state = this.streams.get(f.streamId);
        if (!state) return;
        this.streams.delete(f.streamId);
        state.stream.onreset?.();
        return;
      }
      case "ping":
        await this.emit(() => ({ type: "ping", id: f.id }));
        return;
      case "goaway":
        this.close();
        return;
      default:
        return; // SETTINGS, WINDOW_UPDATE and unknown frames need no answer.
    }
  }

  private forgetIfDone(id: number, state: StreamState): void {
    if (state.remoteClosed && state.localClosed) this.streams.delete(id);
  }

  private newStream(id: number, headers: SpdyHeaders): SpdyStream {
    const stateOf = () => this.streams.get(id);
    return {
      id,
      headers,
      reply: (replyHeaders = {}) =>
        this.emit(async () => ({
          type: "syn_reply",
          streamId: id,
          fin: false,
          headerBlock: await this.deflate.compress(replyHeaders),
        })),
      write: (data) => this.emit(() => ({ type: "data", streamId: id, fin: false, data })),
      end: () => {
        const state = stateOf();
        if (!state || state.localClosed) return Promise.resolve();
        state.localClosed = true;
        this.forgetIfDone(id, state);
        return this.emit(() => ({ type: "data", streamId: id, fin: true, data: new Uint8Array() }));
      },
      reset: (status) => {
        this.streams.delete(id);
        return this.emit(() => ({ type: "rst_stream", streamId: id, status }));
      },
    };
  }
}
