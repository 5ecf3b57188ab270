// The client side of a SPDY/3.1 connection as client-go's spdystream uses it, for tests of the
// servers (kubelet exec, attach and port-forward): opens streams (odd ids) with SYN_STREAM,
// collects each stream's SYN_REPLY, DATA, FIN and RST, and sends DATA, FIN and PING.
import { encodeFrame, FrameReader, type SpdyFrame } from "./frames.ts";
import { HeaderCompressor, HeaderDecompressor, type SpdyHeaders } from "./header-block.ts";

export interface ClientStream {
  id: number;
  replied: boolean;
  data: Uint8Array[];
  fin: boolean;
  reset?: number;
  /** The stream's data so far, decoded as UTF-8. */
  text(): string;
}

export class SpdyClient {
  private readonly reader = new FrameReader();
  private readonly deflate = new HeaderCompressor();
  private readonly inflate = new HeaderDecompressor();
  private readonly streams = new Map<number, ClientStream>();
  private nextId = 1;
  private outbound: Promise<void> = Promise.resolve();
  private inbound: Promise<void> = Promise.resolve();
  readonly pings: number[] = [];
  goaway = false;

  constructor(private readonly send: (bytes: Uint8Array) => void) {}

  /** Bytes from the server. */
  receive(bytes: Uint8Array): void {
    for (const f of this.reader.push(bytes)) this.inbound = this.inbound.then(() => this.handle(f));
  }

  /** Resolves once every frame received so far has been handled. */
  settled(): Promise<void> {
    return this.inbound;
  }

  private async handle(f: SpdyFrame): Promise<void> {
    if (f.type === "syn_reply") {
      await this.inflate.decompress(f.headerBlock);
      const s = this.streams.get(f.streamId);
      if (s) s.replied = true;
    } else if (f.type === "data") {
      const s = this.streams.get(f.streamId);
      if (!s) return;
      if (f.data.length) s.data.push(f.data);
      if (f.fin) s.fin = true;
    } else if (f.type === "rst_stream") {
      const s = this.streams.get(f.streamId);
      if (s) s.reset = f.status;
    } else if (f.type === "ping") {
      this.pings.push(f.id);
    } else if (f.type === "goaway") {
      this.goaway = true;
    }
  }

  private emit(build: () => Promise<SpdyFrame> | SpdyFrame): Promise<void> {
    this.outbound = this.outbound.then(async () => this.send(encodeFrame(await build())));
    return this.outbound;
  }

  /** Opens a stream with these headers (SYN_STREAM); `fin` half-closes it at once. */
  open(headers: SpdyHeaders, fin = false): ClientStream {
    const id = this.nextId;
    this.nextId += 2;
    const dec = new TextDecoder();
    const stream: ClientStream = {
      id,
      replied: false,
      data: [],
      fin: false,
      text: () => stream.data.map((d) => dec.decode(d)).join(""),
    };
    this.streams.set(id, stream);
    void this.emit(async () => ({
      type: "syn_stream",
      streamId: id,
      associatedId: 0,
      priority: 0,
      fin,
      headerBlock: await this.deflate.compress(headers),
    }));
    return stream;
  }

  write(stream: ClientStream, data: Uint8Array | string, fin = false): Promise<void> {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    return this.emit(() => ({ type: "data", streamId: stream.id, fin, data: bytes }));
  }

  end(stream: ClientStream): Promise<void> {
    return this.write(stream, new Uint8Array(), true);
  }

  resetStream(stream: ClientStream, status: number): Promise<void> {
    return this.emit(() => ({ type: "rst_stream", streamId: stream.id, status }));
  }

  ping(id: number): Promise<void> {
    return this.emit(() => ({ type: "ping", id }));
  }

  close(): void {
    this.deflate.close();
    this.inflate.close();
  }
}
