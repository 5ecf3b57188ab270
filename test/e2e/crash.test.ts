// Durability: kill -9 of `kube etcd` in the middle of a write load loses no acknowledged
// write. Writers record every put the server acknowledged; after the kill, a restart on the
// same data dir must hold each of them (with that value, or a later one from the same writer).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectEtcd } from "../../storage/etcd/client.ts";
import { bytes, prefixRange, text } from "../../storage/keys.ts";
import { ensureKubeBuilt, kubeBinary } from "../harness/kube-binary.ts";
import { type KubeProcess, spawnKube } from "../harness/kube-process.ts";

const serving = /serving the etcd v3 API on (http:\/\/[^\s,;]+)/;
let dir: string;
const started: KubeProcess[] = [];

beforeAll(async () => {
  await ensureKubeBuilt();
  dir = mkdtempSync(join(tmpdir(), "kt-crash-"));
});

afterAll(async () => {
  for (const p of started) {
    p.kill("SIGKILL");
    await p.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

function startEtcd(): KubeProcess {
  const p = spawnKube([
    kubeBinary,
    "etcd",
    "--data-dir",
    join(dir, "data"),
    "--listen-client-urls",
    "http://127.0.0.1:0",
  ]);
  started.push(p);
  return p;
}

test("kill -9 during a write load loses no acknowledged write", async () => {
  const first = startEtcd();
  const [, endpoint = ""] = await first.waitFor(serving);
  const kv = await connectEtcd({ endpoints: [endpoint] });
  const writers = 16;
  // acked[w] = the last sequence number writer w had acknowledged.
  const acked = new Array<number>(writers).fill(0);
  let stop = false;
  let total = 0;
  const loops = Array.from({ length: writers }, async (_, w) => {
    for (let seq = 1; !stop; seq++) {
      try {
        await kv.put(bytes(`/crash/w${w}/k${seq % 50}`), bytes(String(seq)));
        await kv.put(bytes(`/crash/w${w}/last`), bytes(String(seq)));
        acked[w] = seq;
        total++;
      } catch {
        return; // the server died under us: this put was not acknowledged
      }
    }
  });
  // Kill in the middle of the load: after 2000 acknowledged writes, or after 30 s on a loaded
  // machine (each put waits for its commit's fsync) with at least 300 in.
  const deadline = Date.now() + 30_000;
  while (total < 2000 && Date.now() < deadline) await Bun.sleep(5);
  expect(total).toBeGreaterThanOrEqual(300);
  first.kill("SIGKILL");
  const code = await first.exited;
  expect(code).toBe(128 + 9);
  stop = true;
  await Promise.all(loops);
  await kv.close();

  const second = startEtcd();
  const [, endpoint2 = ""] = await second.waitFor(serving);
  const again = await connectEtcd({ endpoints: [endpoint2] });
  try {
    for (let w = 0; w < writers; w++) {
      const last = await again.range({ key: bytes(`/crash/w${w}/last`) });
      const stored = Number(text(last.kvs[0]?.value ?? bytes("0")));
      // Writes after the last acknowledged one may or may not have landed; none before it may be lost.
      expect(stored).toBeGreaterThanOrEqual(acked[w] as number);
      const keys = await again.range(prefixRange(bytes(`/crash/w${w}/k`)));
      // The next k-put may have landed before the kill without its `last` put.
      expect(keys.count).toBeGreaterThanOrEqual(Math.min(50, stored));
      expect(keys.count).toBeLessThanOrEqual(Math.min(50, stored + 1));
    }
  } finally {
    await again.close();
    second.kill("SIGTERM");
    await second.exited;
  }
}, 90_000);
