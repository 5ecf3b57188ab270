// Port-forward over the websocket channel protocol (v4.channel.k8s.io, its base64 twin, or no
// subprotocol): what @kubernetes/client-node's PortForward and the Python client speak. Ports come
// from the `port` query; port i has data channel 2i and error channel 2i+1, and the first message
// on each carries the port as 2 little-endian bytes. One TCP connection to the pod per port; the
// socket closes when every port's connection has ended. Upstream:
// pkg/kubelet/cri/streaming/portforward/websocket.go.
import type { Socket } from "bun";
import { StatusError } from "../../../lib/errors/status-error.ts";

/** Go's text for a failed connection to the pod (Bun says only "Failed to connect"). */
export function dialFailure(ip: string, port: number, err: unknown): string {
  const code = (err as { code?: string }).code;
  const addr = `${ip.includes(":") ? `[${ip}]` : ip}:${port}`;
  const tcp = ip.includes(":") ? "tcp6" : "tcp4";
  if (code === "ECONNREFUSED") return `dial ${tcp} ${addr}: connect: connection refused`;
  if (code === "ETIMEDOUT") return `dial ${tcp} ${addr}: i/o timeout`;
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH")
    return `dial ${tcp} ${addr}: connect: no route to host`;
  return `dial ${tcp} ${addr}: ${(err as Error).message}`;
}

export const PORT_FORWARD_CHANNEL_PROTOCOLS = ["v4.channel.k8s.io", "v4.base64.channel.k8s.io"] as const;

/** Upstream's NewV4Options: every `port` value, comma lists allowed, each 1..65535. */
export function portsOf(url: URL): number[] {
  const values = url.searchParams.getAll("port");
  if (values.length === 0) throw StatusError.badRequest(`query parameter "port" is required`);
  const ports: number[] = [];
  for (const value of values) {
    if (value.length === 0) throw StatusError.badRequest(`query parameter "port" cannot be empty`);
    for (const p of value.split(",")) {
      const n = /^\d+$/.test(p) ? Number(p) : Number.NaN;
      if (!Number.isInteger(n) || n > 65535) {
        throw StatusError.badRequest(
          `unable to parse "${value}" as a port: strconv.ParseUint: parsing "${p}": ${/^\d+$/.test(p) ? "value out of range" : "invalid syntax"}`,
        );
      }
      if (n < 1) throw StatusError.badRequest(`port "${value}" must be > 0`);
      ports.push(n);
    }
  }
  return ports;
}

export interface PortForwardChannelsOptions {
  ports: number[];
  podIP: string;
  /** For error messages: `<namespace>/<name>` and the pod UID. */
  podName: string;
  uid: string;
  /** Binary frames (v4.channel.k8s.io) or base64 text frames (v4.base64.channel.k8s.io). */
  binary: boolean;
  sendBinary(data: Uint8Array): void;
  sendText(data: string): void;
  /** Ends the websocket (1000) once every port is done. */
  close(): void;
  log(line: string): void;
}

interface PortState {
  port: number;
  socket?: Socket<undefined>;
  early: Uint8Array[];
  done: boolean;
}

export class PortForwardChannels {
  private readonly states: PortState[];
  private closed = false;

  constructor(private readonly options: PortForwardChannelsOptions) {
    this.states = options.ports.map((port) => ({ port, early: [], done: false }));
  }

  /** Sends the port prefixes and dials every port. */
  open(): void {
    this.states.forEach((s, i) => {
      const le = new Uint8Array([s.port & 0xff, s.port >> 8]);
      this.send(2 * i, le);
      this.send(2 * i + 1, le);
    });
    this.states.forEach((s, i) => void this.dial(s, i));
  }

  private send(channel: number, data: Uint8Array): void {
    if (this.closed) return;
    if (this.options.binary) {
      const out = new Uint8Array(data.length + 1);
      out[0] = channel;
      out.set(data, 1);
      this.options.sendBinary(out);
    } else {
      this.options.sendText(String.fromCharCode(48 + channel) + Buffer.from(data).toString("base64"));
    }
  }

  private async dial(s: PortState, i: number): Promise<void> {
    try {
      s.socket = await Bun.connect({
        hostname: this.options.podIP,
        port: s.port,
        socket: {
          data: (_sock, chunk) => this.send(2 * i, new Uint8Array(chunk)),
          close: () => this.portDone(s),
          end: () => this.portDone(s),
          error: () => this.portDone(s),
        },
      });
    } catch (err) {
      const text = `error forwarding port ${s.port} to pod ${this.options.podName}, uid ${this.options.uid}: ${dialFailure(this.options.podIP, s.port, err)}`;
      this.options.log(`port-forward: ${text}`);
      this.send(2 * i + 1, new TextEncoder().encode(text));
      this.portDone(s);
      return;
    }
    if (this.closed || s.done) {
      s.socket.end();
      return;
    }
    for (const b of s.early.splice(0)) s.socket.write(b);
  }

  private portDone(s: PortState): void {
    if (s.done) return;
    s.done = true;
    s.socket?.end();
    if (this.states.every((x) => x.done) && !this.closed) {
      this.options.close();
      this.closed = true;
    }
  }

  /** A websocket message from the client: data for a port's data channel. */
  receive(message: Uint8Array): void {
    let channel: number;
    let data: Uint8Array;
    if (this.options.binary) {
      if (message.length === 0) return;
      channel = message[0] as number;
      data = message.subarray(1);
    } else {
      const text = new TextDecoder().decode(message);
      if (text.length === 0) return;
      channel = text.charCodeAt(0) - 48;
      data = new Uint8Array(Buffer.from(text.slice(1), "base64"));
    }
    // Only even (data) channels are readable; writes to error channels are ignored, as upstream's WriteChannel.
    if (channel % 2 !== 0) return;
    const s = this.states[channel / 2];
    if (!s || s.done || data.length === 0) return;
    if (s.socket) s.socket.write(data);
    else s.early.push(data.slice());
  }

  /** Stops reading from the pod's connections while the client is behind (backpressure). */
  pause(): void {
    for (const s of this.states) s.socket?.pause();
  }

  resume(): void {
    for (const s of this.states) s.socket?.resume();
  }

  /** The client went away. */
  clientClosed(): void {
    this.closed = true;
    for (const s of this.states) {
      s.done = true;
      s.socket?.end();
    }
  }
}
