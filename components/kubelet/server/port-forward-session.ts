// `kubectl port-forward` on the kubelet side: SPDY/3.1 streams (inside websocket messages) in
// pairs per request id, an error stream and a data stream carrying `port`; the data stream is
// joined to a TCP connection to the pod IP and port. The error stream gets an empty FIN when the
// connection ends, or the error text. Upstream: pkg/kubelet/cri/streaming/portforward/httpstream.go.
import type { Socket } from "bun";
import { dialFailure } from "./port-forward-channels.ts";
import { RST_CANCEL } from "./spdy/frames.ts";
import { SpdySession, type SpdyStream } from "./spdy/spdy-session.ts";

export interface PortForwardOptions {
  /** Where the pod's ports are reached. */
  podIP: string;
  /** For error messages: `<namespace>/<name>` and the pod UID. */
  podName: string;
  uid: string;
  /** Writes SPDY bytes to the client (one websocket binary message). */
  send(bytes: Uint8Array): void;
  /** Ends the websocket (a SPDY framing error). */
  close(): void;
  log(line: string): void;
}

interface RequestPair {
  error?: SpdyStream;
  data?: SpdyStream;
  started: boolean;
}

export class PortForwardSession {
  private readonly spdy: SpdySession;
  private readonly requests = new Map<string, RequestPair>();
  private readonly sockets = new Set<Socket<undefined>>();

  constructor(private readonly options: PortForwardOptions) {
    this.spdy = new SpdySession({
      send: options.send,
      onStream: (s) => this.onStream(s),
      onError: (err) => {
        options.log(`port-forward ${options.podName}: ${err.message}`);
        options.close();
      },
    });
  }

  receive(bytes: Uint8Array): void {
    this.spdy.receive(bytes);
  }

  /** Stops reading from the pod's connections while the client is behind (backpressure). */
  pause(): void {
    for (const s of this.sockets) s.pause();
  }

  resume(): void {
    for (const s of this.sockets) s.resume();
  }

  close(): void {
    this.spdy.close();
    for (const s of this.sockets) s.end();
    this.sockets.clear();
  }

  private onStream(stream: SpdyStream): void {
    const { streamtype, requestid = "" } = stream.headers;
    void stream.reply();
    if (streamtype !== "error" && streamtype !== "data") {
      void stream.reset(RST_CANCEL);
      return;
    }
    const pair = this.requests.get(requestid) ?? { started: false };
    this.requests.set(requestid, pair);
    pair[streamtype] = stream;
    stream.onreset = () => this.requests.delete(requestid);
    if (pair.error && pair.data && !pair.started) {
      pair.started = true;
      void this.forward(requestid, pair.error, pair.data);
    }
  }

  private async forward(requestid: string, errorStream: SpdyStream, data: SpdyStream): Promise<void> {
    const port = Number(data.headers.port);
    const fail = async (message: string) => {
      const text = `error forwarding port ${data.headers.port} to pod ${this.options.podName}, uid ${this.options.uid}: ${message}`;
      this.options.log(`port-forward: ${text}`);
      await errorStream.write(new TextEncoder().encode(text));
      await errorStream.end();
      // The data stream ends too (upstream closes both): kubectl waits for its EOF.
      await data.end();
      this.requests.delete(requestid);
    };
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      await fail(`invalid port "${data.headers.port}"`);
      return;
    }
    // Bytes the client sends before the TCP connection is up wait here.
    const early: Uint8Array[] = [];
    let socket: Socket<undefined> | undefined;
    let clientDone = false;
    data.ondata = (b) => {
      if (socket) socket.write(b);
      else early.push(b.slice());
    };
    data.onend = () => {
      clientDone = true;
      socket?.shutdown();
    };
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      if (socket) this.sockets.delete(socket);
      void data.end();
      void errorStream.end();
      this.requests.delete(requestid);
    };
    data.onreset = () => {
      finished = true;
      socket?.end();
      this.requests.delete(requestid);
    };
    try {
      socket = await Bun.connect({
        hostname: this.options.podIP,
        port,
        socket: {
          data: (_s, chunk) => void data.write(chunk),
          close: () => finish(),
          end: () => finish(),
          error: () => finish(),
        },
      });
    } catch (err) {
      await fail(dialFailure(this.options.podIP, port, err));
      return;
    }
    if (finished) {
      socket.end();
      return;
    }
    this.sockets.add(socket);
    for (const b of early) socket.write(b);
    if (clientDone) socket.shutdown();
  }
}
