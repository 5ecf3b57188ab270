// Flags from ETCD_* variables, as etcd reads them: used when the command line does not give the
// flag, ignored (with a line) when it does, checked like flags; and `kube etcd` end to end.

import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ArgsDef } from "citty";
import { freePort } from "../test/harness/etcd.ts";
import { flagsFromEnv } from "./env-flags.ts";

const defs: ArgsDef = {
  "listen-client-urls": { type: "string" },
  "data-dir": { type: "string" },
  fsync: { type: "boolean" },
};

test("a variable fills a flag the command line leaves out; the command line wins", () => {
  const lines: string[] = [];
  const env = { ETCD_LISTEN_CLIENT_URLS: "http://127.0.0.1:2379", ETCD_DATA_DIR: "/from/env", PATH: "/bin" };
  const args = flagsFromEnv(defs, "ETCD_", ["--data-dir", "/from/flag"], env, (l) => lines.push(l));
  expect(args).toEqual(["--listen-client-urls=http://127.0.0.1:2379"]);
  expect(lines).toEqual([
    "recognized and used environment variable ETCD_LISTEN_CLIENT_URLS=http://127.0.0.1:2379",
    "ignored environment variable ETCD_DATA_DIR=/from/env: the command line gives --data-dir",
  ]);
});

test("a bad value is a usage error naming the variable", () => {
  expect(() => flagsFromEnv(defs, "ETCD_", [], { ETCD_FSYNC: "yes" }, () => {})).toThrow(
    'environment variable ETCD_FSYNC: invalid value "yes" for --fsync: want true or false',
  );
  expect(flagsFromEnv(defs, "ETCD_", [], { ETCD_FSYNC: "true" }, () => {})).toEqual(["--fsync=true"]);
});

test("kube etcd serves on ETCD_LISTEN_CLIENT_URLS (seed 004's /etc/etcd/etcd.conf)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kt-etcd-env-"));
  const port = await freePort();
  const proc = Bun.spawn([process.execPath, join(import.meta.dir, "main.ts"), "etcd"], {
    env: { ...process.env, ETCD_LISTEN_CLIENT_URLS: `http://127.0.0.1:${port}`, ETCD_DATA_DIR: dir },
    stdout: "ignore",
    stderr: "pipe",
  });
  try {
    let text = "";
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr) {
      text += decoder.decode(chunk, { stream: true });
      if (text.includes("serving the etcd v3 API")) break;
    }
    expect(text).toContain(
      `recognized and used environment variable ETCD_LISTEN_CLIENT_URLS=http://127.0.0.1:${port}`,
    );
    expect(text).toContain(`serving the etcd v3 API on http://127.0.0.1:${port}`);
    expect(text).toContain(`data in ${dir}`);
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);
