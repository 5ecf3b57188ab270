// Probes `<url>/healthz` every 20 ms from a process of its own (so the suite's own request
// building does not count as server latency) until SIGTERM, then prints one JSON line:
// {"samples": [[start (epoch ms), latency ms], ...]}.
import { argv } from "node:process";

const url = `${argv[2]}/healthz`;
const samples: [number, number][] = [];
let running = true;
process.on("SIGTERM", () => {
  running = false;
});
console.log("probing");
while (running) {
  const t0 = performance.now();
  const start = Date.now();
  try {
    await (await fetch(url)).text();
    samples.push([start, performance.now() - t0]);
  } catch {
    samples.push([start, Number.POSITIVE_INFINITY]);
  }
  await Bun.sleep(20);
}
console.log(JSON.stringify({ samples }));
process.exit(0);
