// The Worker side of a TLS front off the owner's thread (tls-front-thread.ts): runs the same
// front (tls-front.ts), publishes each inner connection's certificate in the shared peer table,
// and relays a taken-over connection's bytes to the owner thread as messages.
import { PeerTableWriter } from "./peer-table.ts";
import type { RawConnection } from "./raw-connection.ts";
import { startTlsFront, type TlsFront } from "./tls-front.ts";
import type { ToFront, ToOwner } from "./tls-front-messages.ts";

declare const self: Worker;

let front: TlsFront | undefined;
let table: PeerTableWriter | undefined;
/** Taken-over connections by the sequence the owner knows them by (their inner port is free again). */
const raws = new Map<number, RawConnection>();

const post = (m: ToOwner, transfer?: ArrayBuffer[]) => self.postMessage(m, transfer ?? []);

/** Relays a taken-over connection to the owner thread. */
function relay(seq: number, raw: RawConnection): void {
  raws.set(seq, raw);
  raw.start({
    data: (bytes) => post({ type: "data", seq, bytes }, [bytes.buffer as ArrayBuffer]),
    close: () => {
      raws.delete(seq);
      post({ type: "closed", seq });
    },
    pause: () => post({ type: "behind", seq, paused: true }),
    resume: () => post({ type: "behind", seq, paused: false }),
  });
}

function start(m: Extract<ToFront, { type: "start" }>): void {
  const writer = new PeerTableWriter(m.buffers);
  table = writer;
  front = startTlsFront(m.options, {
    opened: (port, peer) => void writer.open(port, peer),
    closed: (port) => writer.close(port),
    claimed: (port) => writer.claimed(port),
    count: (open) => writer.count(open),
    takenOver: (seq, raw) => relay(seq, raw),
  });
  post({ type: "listening", hostname: front.hostname, port: front.port });
}

self.onmessage = (event: MessageEvent<ToFront>) => {
  const m = event.data;
  if (m.type === "start") {
    try {
      start(m);
    } catch (err) {
      post({ type: "failed", message: err instanceof Error ? err.message : String(err) });
    }
    return;
  }
  if (m.type === "stop") {
    void front?.stop().then(() => post({ type: "stopped" }));
    return;
  }
  if (m.type === "claim") {
    // The owner claimed it in the table already; take it over now even if no byte moves.
    if (table?.claimed(m.port) === m.seq && !raws.has(m.seq)) {
      const raw = front?.takeOver(m.port);
      if (raw) relay(m.seq, raw);
    }
    return;
  }
  const raw = raws.get(m.seq);
  if (!raw) return;
  if (m.type === "write") raw.write(m.bytes);
  else if (m.type === "end") raw.end();
  else if (m.type === "pause") raw.pauseReading();
  else if (m.type === "resume") raw.resumeReading();
};
