// An apiserver for tests: `kube apiserver` in-process on a free loopback port, over either a
// fresh SQLite store in a `kt-` temp dir or a real etcd (through the gRPC client), stopped and
// removed by stop() even when the test failed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeletClientConfig } from "../../components/apiserver/handlers/kubelet-client.ts";
import { type Apiserver, startApiserver } from "../../components/apiserver/server.ts";
import type { KV } from "../../storage/kv.ts";
import { openSqliteKV } from "../../storage/sqlite/sqlite-kv.ts";

export interface TestApiserver {
  url: string;
  kv: KV;
  apiserver: Apiserver;
  stop(): Promise<void>;
}

export async function startTestApiserver(
  options: { kv?: KV; kubeletClient?: KubeletClientConfig } = {},
): Promise<TestApiserver> {
  let dir: string | undefined;
  let kv = options.kv;
  if (!kv) {
    dir = mkdtempSync(join(tmpdir(), "kt-apiserver-"));
    kv = await openSqliteKV({ dataDir: dir });
  }
  const apiserver = await startApiserver({
    kv,
    bindAddress: "127.0.0.1",
    port: 0,
    compactionIntervalMs: 0,
    ...(options.kubeletClient ? { kubeletClient: options.kubeletClient } : {}),
  });
  const store = kv;
  return {
    url: apiserver.url as string,
    kv,
    apiserver,
    async stop() {
      await apiserver.stop();
      if (dir) {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
