// A child of the watch fan-out bench (bench/apiserver.ts): opens `count` watches of one list URL
// from a resourceVersion with fetch, prints "warm" once every one has seen the "fan-warm" object,
// then, after `events` "fan-*" objects each, one JSON line: per object the time (epoch ms) its
// last watcher here saw it, and this process's CPU time since "warm". Watchers are spread over
// several such processes so that one client's parsing is not what the row measures.
import { cpuUsage } from "node:process";

const [url = "", resourceVersion = "", countText = "0", eventsText = "0"] = process.argv.slice(2);
const count = Number(countText);
const events = Number(eventsText);
const seen = new Map<string, number>();
let warm = 0;
let warmCpuMs = 0;
const cpuMs = () => {
  const usage = cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const abort = new AbortController();

async function watcher(): Promise<void> {
  const res = await fetch(`${url}?watch=true&resourceVersion=${resourceVersion}`, { signal: abort.signal });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buf = "";
  let got = 0;
  while (got < events) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += decoder.decode(value, { stream: true });
    for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
      const name = /"name":"(fan-[a-z0-9-]+)"/.exec(buf.slice(0, nl))?.[1];
      buf = buf.slice(nl + 1);
      if (name === "fan-warm") {
        if (++warm === count) {
          warmCpuMs = cpuMs();
          console.log("warm");
        }
      } else if (name) {
        got++;
        seen.set(name, Math.max(seen.get(name) ?? 0, performance.timeOrigin + performance.now()));
      }
    }
  }
  await reader.cancel();
}

await Promise.all(Array.from({ length: count }, () => watcher().catch(() => undefined)));
console.log(JSON.stringify({ seen: [...seen], cpuMs: cpuMs() - warmCpuMs }));
