// Probes `<url>/healthz` every 20 ms from a process of its own (so the suite's own request
// building does not count as server latency) until SIGTERM, then prints one JSON line:
// {"samples": [[start (epoch ms), latency ms, server main-thread CPU ms during the probe], ...]}.
import { readFileSync } from "node:fs";
import { argv } from "node:process";

const url = `${argv[2]}/healthz`;
const serverPid = Number(argv[3]);
const samples: [number, number, number][] = [];
let running = true;
process.on("SIGTERM", () => {
  running = false;
});

/** utime + stime of the server's main thread (its event loop), in ms (clock ticks of 10 ms). */
function serverCpuMs(): number {
  const stat = readFileSync(`/proc/${serverPid}/task/${serverPid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

console.log("probing");
while (running) {
  const t0 = performance.now();
  const start = Date.now();
  const cpu0 = serverCpuMs();
  try {
    await (await fetch(url)).text();
    samples.push([start, performance.now() - t0, serverCpuMs() - cpu0]);
  } catch {
    samples.push([start, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]);
  }
  await Bun.sleep(20);
}
console.log(JSON.stringify({ samples }));
process.exit(0);
