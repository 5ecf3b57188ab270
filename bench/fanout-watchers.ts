// A child of the watch fan-out bench (bench/apiserver.ts): opens `count` watches of one list URL
// from a resourceVersion, prints "warm" once every one has seen the "fan-warm" object, then,
// after `events` "fan-*" objects each, one JSON line: per object the time (epoch ms) its last
// watcher here saw it, and this process's CPU time since "warm". Each watch is a plain HTTP/1.1
// request on its own TCP socket (Bun.connect): fetch's stream reader cost ~29 µs of client CPU
// per watcher and event, more than the server's send, and was what the row measured.
import { cpuUsage } from "node:process";

const [url = "", resourceVersion = "", countText = "0", eventsText = "0"] = process.argv.slice(2);
const count = Number(countText);
const events = Number(eventsText);
const target = new URL(`${url}?watch=true&resourceVersion=${resourceVersion}`);
const request = `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nAccept: application/json\r\n\r\n`;
const NAME = '"name":"fan-';

const seen = new Map<string, number>();
let warm = 0;
let warmCpuMs = 0;
let finished = 0;
const cpuMs = () => {
  const usage = cpuUsage();
  return (usage.user + usage.system) / 1000;
};

function done(): void {
  if (++finished < count) return;
  console.log(JSON.stringify({ seen: [...seen], cpuMs: cpuMs() - warmCpuMs }));
  process.exit(0);
}

/** One watch: its unread text (the response as latin1; names are ASCII) and events seen. */
interface Watcher {
  buf: string;
  status: boolean;
  got: number;
}

function onData(socket: { end(): void }, w: Watcher, chunk: Buffer): void {
  const now = performance.timeOrigin + performance.now();
  w.buf += chunk.toString("latin1");
  if (!w.status) {
    if (w.buf.length < 12) return;
    if (!w.buf.startsWith("HTTP/1.1 200")) {
      console.error(`fan-out watch: ${w.buf.slice(0, w.buf.indexOf("\r\n"))}`);
      process.exit(1);
    }
    w.status = true;
  }
  // Only whole lines: a name split across two reads is matched once the rest arrives.
  const last = w.buf.lastIndexOf("\n");
  if (last < 0) return;
  const text = w.buf.slice(0, last);
  w.buf = w.buf.slice(last + 1);
  for (let at = text.indexOf(NAME); at >= 0; at = text.indexOf(NAME, at + NAME.length)) {
    const name = `fan-${text.slice(at + NAME.length, text.indexOf('"', at + NAME.length))}`;
    if (name === "fan-warm") {
      if (++warm === count) {
        warmCpuMs = cpuMs();
        console.log("warm");
      }
    } else {
      seen.set(name, Math.max(seen.get(name) ?? 0, now));
      if (++w.got === events) {
        socket.end();
        done();
        return;
      }
    }
  }
}

for (let i = 0; i < count; i++) {
  const w: Watcher = { buf: "", status: false, got: 0 };
  await Bun.connect({
    hostname: target.hostname,
    port: Number(target.port),
    socket: {
      open: (socket) => {
        socket.write(request);
      },
      data: (socket, chunk) => onData(socket, w, chunk),
      close: () => {
        if (w.got < events) {
          console.error("fan-out watch: the server closed a watch early");
          process.exit(1);
        }
      },
      error: (_socket, err) => {
        console.error(`fan-out watch: ${err.message}`);
        process.exit(1);
      },
    },
  });
}
