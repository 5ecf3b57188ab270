// The WAL checkpointer of the bun:sqlite driver (driver.ts's WalCheckpointer): a Worker with
// its own connection runs PRAGMA wal_checkpoint(PASSIVE), so a checkpoint's copying and fsyncs
// (3-75 ms each on a busy disk, measured) happen off the event loop that serves requests.
import type { CheckpointResult, OpenCheckpointer, WalCheckpointer } from "./driver.ts";

// A Blob worker: it works the same from the sources and from the compiled single executable.
const WORKER_SOURCE = `
import { Database } from "bun:sqlite";
let db;
self.onmessage = (event) => {
  const m = event.data;
  try {
    if (m.type === "close") {
      db?.close();
      db = undefined;
      postMessage({ id: m.id });
      return;
    }
    // Open for this checkpoint only: the writer takes its exclusive lock back in between.
    db = new Database(m.path);
    db.exec("PRAGMA busy_timeout = 0; PRAGMA synchronous = " + (m.fsync ? "FULL" : "NORMAL"));
    const row = db.query("PRAGMA wal_checkpoint(PASSIVE)").get();
    db.close();
    db = undefined;
    postMessage({ id: m.id, log: row.log, checkpointed: row.checkpointed });
  } catch (err) {
    try { db?.close(); } catch {}
    db = undefined;
    postMessage({ id: m.id, error: String(err && err.message ? err.message : err) });
  }
};
`;

let workerUrl: string | undefined;

interface Reply {
  id: number;
  log?: number;
  checkpointed?: number;
  error?: string;
}

export const openBunCheckpointer: OpenCheckpointer = (path, fsync) => {
  workerUrl ??= URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "application/javascript" }));
  const worker = new Worker(workerUrl);
  // The thread never keeps the process alive; close() ends it.
  worker.unref();
  const waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  let next = 0;
  let ended = false;
  const fail = (error: Error) => {
    ended = true;
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  worker.onmessage = (event: MessageEvent<Reply>) => {
    const w = waiting.get(event.data.id);
    waiting.delete(event.data.id);
    w?.resolve(event.data);
  };
  worker.onerror = (event) => fail(new Error(`sqlite checkpointer: ${event.message}`));
  const call = (type: "checkpoint" | "close"): Promise<Reply> => {
    if (ended) return Promise.reject(new Error("sqlite checkpointer: closed"));
    const id = next++;
    return new Promise<Reply>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, type, path, fsync });
    });
  };
  const checkpointer: WalCheckpointer = {
    checkpoint: async (): Promise<CheckpointResult> => {
      const r = await call("checkpoint");
      if (r.error !== undefined) throw new Error(`sqlite checkpointer: ${r.error}`);
      return { log: r.log ?? 0, checkpointed: r.checkpointed ?? 0 };
    },
    close: async () => {
      if (ended) return;
      await call("close").catch(() => undefined);
      ended = true;
      worker.terminate();
    },
  };
  return checkpointer;
};
