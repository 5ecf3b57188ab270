// The servers the bad-input suite attacks, in a child process of their own so their RSS and
// event loop are measured apart from the test's: `kube apiserver` (SQLite in a `kt-` dir, plain
// HTTP on loopback, a short request timeout) and a kubelet's server over the fake runtime with
// one pod. Prints one JSON line `{"api": url, "kubelet": url}`; SIGTERM stops both.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1";
import { startApiserver } from "../../../components/apiserver/server.ts";
import { createFakeRuntime } from "../../../components/kubelet/runtime/fake/fake-runtime.ts";
import { startKubeletServer } from "../../../components/kubelet/server/kubelet-server.ts";
import { openSqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";

const requestTimeoutMs = Number(process.argv[2] ?? "3000");
const dir = mkdtempSync(join(tmpdir(), "kt-bad-input-"));
const kv = await openSqliteKV({ dataDir: dir });
const api = await startApiserver({
  kv,
  bindAddress: "127.0.0.1",
  port: 0,
  compactionIntervalMs: 0,
  requestTimeoutMs,
});
const pod: Pod = {
  metadata: { name: "web", namespace: "default", uid: "uid-web" },
  spec: { nodeName: "node1", containers: [{ name: "c", image: "kube" }] },
};
const kubelet = await startKubeletServer({
  address: "127.0.0.1",
  port: 0,
  runtime: createFakeRuntime(),
  pods: () => [pod],
  nodeName: "node1",
  log: () => undefined,
});
console.log(JSON.stringify({ api: api.url, kubelet: `http://127.0.0.1:${kubelet.port}` }));

let stopping = false;
process.on("SIGTERM", async () => {
  if (stopping) return;
  stopping = true;
  await Promise.all([api.stop(), kubelet.stop()]);
  await kv.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
