// One exec or attach over a SPDY/3.1 connection (kubectl's fallback when the websocket upgrade
// fails; kubectl 1.27-1.29 use only this). The client opens one stream per `streamtype` header
// (error, stdin, stdout, stderr, resize); once all the query asked for are there (30 s at most)
// the process runs, and at its end stdout and stderr are closed, the error stream carries the
// Status (v4: JSON with the exit code; v1-v3: the message text, nothing on success) and the
// connection ends. Upstream: pkg/kubelet/cri/streaming/remotecommand/httpstream.go.
import type { RawConnection } from "../../../lib/tls/raw-connection.ts";
import type { ExecProcess } from "../runtime/runtime.ts";
import { exitStatus } from "./exec-session.ts";
import { SpdySession, type SpdyStream } from "./spdy/spdy-session.ts";

/** What the kubelet accepts over SPDY, best first (v5 is websocket-only upstream). */
export const SPDY_EXEC_PROTOCOLS = [
  "v4.channel.k8s.io",
  "v3.channel.k8s.io",
  "v2.channel.k8s.io",
  "channel.k8s.io",
] as const;

const STREAM_CREATION_TIMEOUT_MS = 30_000;

export interface SpdyExecOptions {
  conn: RawConnection;
  protocol: string;
  /** The streams the query asked for (upstream's remotecommand.Options). */
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  /** Starts the process once the streams are there. */
  start(): Promise<ExecProcess>;
  /** The argv, for the exit-code message (absent for attach). */
  command?: string[];
  /** The client went away while the process ran (exec kills it; attach leaves it). */
  abandoned(proc: ExecProcess): void;
  /** The stream-creation timeout; tests shorten it. */
  streamTimeoutMs?: number;
  log(line: string): void;
}

type Kind = "error" | "stdin" | "stdout" | "stderr" | "resize";

/** Splits a byte stream of concatenated JSON objects (client-go's json.Encoder output). */
function jsonObjects(buffer: string): { objects: string[]; rest: string } {
  const objects: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < buffer.length; i++) {
    const c = buffer[i];
    if (c === "{") {
      if (depth === 0) start = i;
      depth++;
    } else if (c === "}" && depth > 0) {
      depth--;
      if (depth === 0) objects.push(buffer.slice(start, i + 1));
    }
  }
  const rest = depth > 0 ? buffer.slice(start) : "";
  return { objects, rest };
}

export class SpdyExecSession {
  private readonly spdy: SpdySession;
  private readonly streams = new Map<Kind, SpdyStream>();
  private readonly expected: number;
  private readonly stdinEarly: Uint8Array[] = [];
  private stdinEnded = false;
  private proc: ExecProcess | undefined;
  private started = false;
  private gone = false;
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(private readonly options: SpdyExecOptions) {
    const o = options;
    const resizes = o.tty && o.protocol !== "v2.channel.k8s.io" && o.protocol !== "channel.k8s.io";
    this.expected = 1 + Number(o.stdin) + Number(o.stdout) + Number(o.stderr) + Number(resizes);
    this.spdy = new SpdySession({
      send: (b) => o.conn.write(b),
      onStream: (s) => this.onStream(s),
      onError: (err) => {
        o.log(`exec over SPDY: ${err.message}`);
        this.clientGone();
        o.conn.end();
      },
    });
    this.timer = setTimeout(() => {
      if (this.started) return;
      o.log("exec over SPDY: timed out waiting for client to create streams");
      this.clientGone();
      o.conn.end();
    }, o.streamTimeoutMs ?? STREAM_CREATION_TIMEOUT_MS);
    o.conn.start({
      data: (b) => this.spdy.receive(b),
      close: () => this.clientGone(),
      pause: () => {
        this.proc?.stdout.pause();
        this.proc?.stderr?.pause();
      },
      resume: () => {
        this.proc?.stdout.resume();
        this.proc?.stderr?.resume();
      },
    });
  }

  private onStream(stream: SpdyStream): void {
    void stream.reply();
    const kind = stream.headers.streamtype as Kind | undefined;
    if (!kind || !["error", "stdin", "stdout", "stderr", "resize"].includes(kind)) {
      this.options.log(`exec over SPDY: unexpected stream type: "${stream.headers.streamtype ?? ""}"`);
      return;
    }
    this.streams.set(kind, stream);
    if (kind === "stdin") {
      stream.ondata = (b) => {
        if (this.proc?.stdin) this.proc.stdin.write(Buffer.from(b));
        else this.stdinEarly.push(b);
      };
      stream.onend = () => {
        this.stdinEnded = true;
        this.proc?.stdin?.end();
      };
    } else if (kind === "resize") {
      let pending = "";
      stream.ondata = (b) => {
        const { objects, rest } = jsonObjects(pending + new TextDecoder().decode(b));
        pending = rest;
        for (const o of objects) {
          try {
            const size = JSON.parse(o) as { Width?: number; Height?: number };
            this.proc?.resize(size.Width ?? 0, size.Height ?? 0);
          } catch {
            // A malformed size is skipped, as upstream's decoder loop ends on it.
          }
        }
      };
    }
    if (this.streams.size >= this.expected && !this.started) {
      this.started = true;
      clearTimeout(this.timer);
      void this.run();
    }
  }

  private async run(): Promise<void> {
    const o = this.options;
    let proc: ExecProcess;
    try {
      proc = await o.start();
    } catch (err) {
      await this.finish({ metadata: {}, status: "Failure", message: (err as Error).message });
      return;
    }
    this.proc = proc;
    if (this.gone) {
      o.abandoned(proc);
      return;
    }
    for (const b of this.stdinEarly.splice(0)) proc.stdin?.write(Buffer.from(b));
    if (this.stdinEnded || !this.streams.has("stdin")) proc.stdin?.end();
    const pipe = (from: NodeJS.ReadableStream | undefined, to: SpdyStream | undefined) =>
      new Promise<void>((resolve) => {
        if (!from) return resolve();
        from.on("data", (b: Buffer | string) => {
          if (to && !this.gone) void to.write(typeof b === "string" ? Buffer.from(b) : new Uint8Array(b));
        });
        from.once("end", resolve);
        from.once("close", resolve);
        from.once("error", () => resolve());
      });
    const out = pipe(proc.stdout, this.streams.get("stdout"));
    const err = pipe(proc.stderr, this.streams.get("stderr"));
    let code: number;
    try {
      code = await proc.exited;
    } catch (e) {
      await this.finish({ metadata: {}, status: "Failure", message: (e as Error).message });
      return;
    }
    await Promise.all([out, err]);
    await this.finish(exitStatus(code, o.command) as { status: string; message?: string });
  }

  private async finish(status: { metadata?: object; status: string; message?: string }): Promise<void> {
    if (this.gone) return;
    const o = this.options;
    await this.streams.get("stdout")?.end();
    await this.streams.get("stderr")?.end();
    const error = this.streams.get("error");
    if (error) {
      if (o.protocol === "v4.channel.k8s.io")
        await error.write(new TextEncoder().encode(JSON.stringify(status)));
      else if (status.status !== "Success") await error.write(new TextEncoder().encode(status.message ?? ""));
      await error.end();
    }
    this.gone = true;
    this.spdy.close();
    o.conn.end();
  }

  private clientGone(): void {
    if (this.gone) return;
    this.gone = true;
    clearTimeout(this.timer);
    this.spdy.close();
    if (this.proc) {
      this.proc.stdin?.end();
      this.options.abandoned(this.proc);
    }
  }
}
