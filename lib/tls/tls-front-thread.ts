// The TLS front (tls-front.ts) on a Worker thread, so TLS and the piping to the inner server use
// the second core and not the owner's event loop. `peerOf` reads the shared peer table the
// Worker fills before it forwards a connection's first byte; `takeOver` claims the connection in
// that table (the Worker stops forwarding at once) and relays its bytes as messages.
import { newPeerTableBuffers, PeerTableReader } from "./peer-table.ts";
import { type RawConnection, TakenOverConnection } from "./raw-connection.ts";
import type { TlsFront, TlsFrontOptions } from "./tls-front.ts";
import type { ToFront, ToOwner } from "./tls-front-messages.ts";

export interface ThreadTlsFrontOptions extends TlsFrontOptions {
  /** The Worker must be listening by then. Default 10 s. */
  startTimeoutMs?: number;
  /** The Worker died and a new one could not listen on the port. Default: throw, so the process exits. */
  onFailure?(err: Error): void;
}

export interface ThreadTlsFront extends TlsFront {
  /** How many times the Worker died and was replaced. */
  readonly restarts: number;
  /** Ends the Worker as a crash would (what a crash does is tested with it). */
  kill(): void;
}

interface Running {
  worker: Worker;
  table: PeerTableReader;
  hostname: string;
  port: number;
}

/**
 * The Worker's module. In a `bun build --compile` binary, import.meta.url names the binary at the
 * root of its embedded files, where the Worker is only if the build lists
 * lib/tls/tls-front-worker.ts as a second entry point (next to cmd/main.ts).
 */
const WORKER_URL = import.meta.url.includes("/$bunfs/")
  ? new URL("./lib/tls/tls-front-worker.ts", import.meta.url).href
  : new URL("./tls-front-worker.ts", import.meta.url).href;
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

export async function startTlsFrontInWorker(options: ThreadTlsFrontOptions): Promise<ThreadTlsFront> {
  const { startTimeoutMs, onFailure, ...frontOptions } = options;
  /** Connections taken over, by sequence. */
  const raws = new Map<number, TakenOverConnection>();
  let stopping = false;
  let restarts = 0;
  let current: Running | undefined;

  const onMessage = (m: ToOwner) => {
    if (m.type === "data") raws.get(m.seq)?.received(m.bytes);
    else if (m.type === "behind") raws.get(m.seq)?.behind(m.paused);
    else if (m.type === "closed") {
      raws.get(m.seq)?.closed();
      raws.delete(m.seq);
    }
  };

  const spawn = (port: number) =>
    new Promise<Running>((resolve, reject) => {
      const buffers = newPeerTableBuffers();
      const worker = new Worker(WORKER_URL, { name: "kube-tls-front" });
      let started = false;
      const fail = (err: Error) => {
        if (started) return;
        started = true;
        clearTimeout(timer);
        worker.terminate();
        reject(err);
      };
      const timer = setTimeout(
        () => fail(new Error("the TLS front's worker did not start listening")),
        startTimeoutMs ?? START_TIMEOUT_MS,
      );
      worker.onmessage = (event: MessageEvent<ToOwner>) => {
        const m = event.data;
        if (started) onMessage(m);
        else if (m.type === "failed") fail(new Error(m.message));
        else if (m.type === "listening") {
          started = true;
          clearTimeout(timer);
          resolve({ worker, table: new PeerTableReader(buffers), hostname: m.hostname, port: m.port });
        }
      };
      worker.addEventListener("error", (event) =>
        fail(new Error(`the TLS front's worker failed: ${event.message}`)),
      );
      worker.addEventListener("close", () => {
        if (!started) fail(new Error("the TLS front's worker exited before listening"));
        else if (worker === current?.worker && !stopping) void replace(current);
      });
      const start: ToFront = { type: "start", options: { ...frontOptions, port }, buffers };
      worker.postMessage(start);
    });

  let live = await spawn(frontOptions.port);
  current = live;
  const post = (m: ToFront, transfer?: ArrayBuffer[]) => live.worker.postMessage(m, transfer ?? []);

  /** The Worker died: its connections are gone; listen again on the same port. */
  const replace = async (dead: Running) => {
    for (const raw of raws.values()) raw.closed();
    raws.clear();
    restarts++;
    try {
      live = await spawn(dead.port);
      current = live;
    } catch (err) {
      const failure = new Error(
        `the TLS front on port ${dead.port} died and could not restart: ${String(err)}`,
      );
      if (onFailure) onFailure(failure);
      else
        queueMicrotask(() => {
          throw failure;
        });
    }
  };

  const takeOver = (port: number): RawConnection | undefined => {
    const { table } = live;
    const seq = table.sequence(port);
    if (seq === 0 || table.claimed(port)) return undefined;
    table.claim(port, seq);
    post({ type: "claim", port, seq });
    const raw = new TakenOverConnection({
      write: (bytes) => {
        const copy = bytes.slice();
        post({ type: "write", seq, bytes: copy }, [copy.buffer]);
      },
      end: () => post({ type: "end", seq }),
      pause: () => post({ type: "pause", seq }),
      resume: () => post({ type: "resume", seq }),
    });
    raws.set(seq, raw);
    return raw;
  };

  return {
    get hostname() {
      return live.hostname;
    },
    get port() {
      return live.port;
    },
    peerOf: (port) => live.table.peer(port),
    takeOver,
    get connections() {
      return live.table.connections;
    },
    get restarts() {
      return restarts;
    },
    kill: () => live.worker.terminate(),
    async stop() {
      if (stopping) return;
      stopping = true;
      const { worker } = live;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, STOP_TIMEOUT_MS);
        worker.onmessage = (event: MessageEvent<ToOwner>) => {
          if (event.data.type !== "stopped") return onMessage(event.data);
          clearTimeout(timer);
          resolve();
        };
        worker.postMessage({ type: "stop" } satisfies ToFront);
      });
      worker.terminate();
      for (const raw of raws.values()) raw.closed();
      raws.clear();
    },
  };
}
