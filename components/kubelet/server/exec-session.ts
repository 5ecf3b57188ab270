// One `kubectl exec`/`attach` over a websocket with the channel protocol (v5.channel.k8s.io, or
// v4): every message is a channel byte then data; 0 stdin, 1 stdout, 2 stderr, 3 the final
// Status, 4 resize JSON, and in v5 255 [255, ch] closes a channel. The session ends with the
// Status on channel 3 and a close frame (1000). Upstream: pkg/kubelet/cri/streaming/remotecommand
// (websocket.go, httpstream.go writeStatus) and client-go tools/remotecommand/v4.go errorDecoderV4.
import type { ExecProcess } from "../runtime/runtime.ts";

export const CHANNEL_PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"] as const;
export type ChannelProtocol = (typeof CHANNEL_PROTOCOLS)[number];

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;

/** The server side of the websocket: one binary message per send. */
export interface ChannelSocket {
  send(data: Uint8Array): void;
  close(code: number, reason?: string): void;
}

export interface ExecSessionOptions {
  socket: ChannelSocket;
  process: ExecProcess;
  protocol: ChannelProtocol;
  /** The argv, for the exit-code message (absent for attach). */
  command?: string[];
  stdout: boolean;
  stderr: boolean;
}

/** The Status JSON of channel 3 for an exit code, as the kubelet writes it. */
export function exitStatus(code: number, command?: string[]): object {
  if (code === 0) return { metadata: {}, status: "Success" };
  const what = command
    ? `error executing command [${command.join(" ")}], exit code ${code}`
    : `exit code ${code}`;
  return {
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: ${what}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(code) }] },
  };
}

function framed(channel: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 1);
  out[0] = channel;
  out.set(data, 1);
  return out;
}

function drained(stream: NodeJS.ReadableStream | undefined, onData: (b: Uint8Array) => void): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    stream.on("data", (b: Buffer | string) => onData(typeof b === "string" ? Buffer.from(b) : b));
    stream.once("end", resolve);
    stream.once("close", resolve);
    stream.once("error", () => resolve());
  });
}

export class ExecSession {
  private finished = false;

  constructor(private readonly options: ExecSessionOptions) {}

  /** Starts relaying output; resolves after the final Status and close frame were sent. */
  async run(): Promise<void> {
    const { socket, process: proc } = this.options;
    const send = (channel: number) => (b: Uint8Array) => {
      if (!this.finished && b.length > 0) socket.send(framed(channel, b));
    };
    const out = drained(proc.stdout, this.options.stdout ? send(STDOUT) : () => undefined);
    const err = drained(proc.stderr, this.options.stderr ? send(STDERR) : () => undefined);
    let code: number;
    try {
      code = await proc.exited;
    } catch (e) {
      this.finish({ metadata: {}, status: "Failure", message: (e as Error).message });
      return;
    }
    // Output written just before the exit is still in the pipes: read it all first.
    await Promise.all([out, err]);
    this.finish(exitStatus(code, this.options.command));
  }

  private finish(status: object): void {
    if (this.finished) return;
    const { socket } = this.options;
    socket.send(framed(ERROR, new TextEncoder().encode(JSON.stringify(status))));
    this.finished = true;
    socket.close(1000);
  }

  /** A message from the client. */
  receive(message: Uint8Array): void {
    if (message.length === 0 || this.finished) return;
    const channel = message[0];
    const data = message.subarray(1);
    const stdin = this.options.process.stdin;
    if (channel === STDIN) {
      if (data.length > 0) stdin?.write(Buffer.from(data));
    } else if (channel === RESIZE) {
      try {
        const size = JSON.parse(new TextDecoder().decode(data)) as { Width?: number; Height?: number };
        this.options.process.resize(size.Width ?? 0, size.Height ?? 0);
      } catch {
        // A malformed resize is ignored, as upstream's handleResizeEvents does.
      }
    } else if (channel === CLOSE && this.options.protocol === "v5.channel.k8s.io") {
      if (data[0] === STDIN) stdin?.end();
    }
  }

  /** Stops reading the process's output while the client is behind (backpressure). */
  pause(): void {
    this.options.process.stdout.pause();
    this.options.process.stderr?.pause();
  }

  resume(): void {
    this.options.process.stdout.resume();
    this.options.process.stderr?.resume();
  }

  /** The client went away before the end. */
  clientClosed(): void {
    this.finished = true;
    this.options.process.stdin?.end();
  }
}
