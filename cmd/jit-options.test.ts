// The re-exec that turns JSC's FTL tier off for kube's long-running commands: the decision, and
// the compiled binary doing it in place (same PID) for kube etcd.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureKubeBuilt, kubeBinary } from "../test/harness/kube-binary.ts";
import { jitReexecEnvironment } from "./jit-options.ts";

const compiled = ["bun", "/$bunfs/root/kube", "--data-dir", "x"];

describe("jitReexecEnvironment", () => {
  test("a long-running command of the compiled kube re-executes with FTL off, keeping the environment", () => {
    expect(jitReexecEnvironment("apiserver", { HOME: "/root", KEEP: "1" }, compiled)).toEqual({
      HOME: "/root",
      KEEP: "1",
      BUN_JSC_useFTLJIT: "0",
    });
    expect(jitReexecEnvironment("server", {}, compiled)).toEqual({ BUN_JSC_useFTLJIT: "0" });
  });

  test("one-shot commands, a source run and an environment that already chooses do not re-execute", () => {
    expect(jitReexecEnvironment("version", {}, compiled)).toBeUndefined();
    expect(jitReexecEnvironment("init", {}, compiled)).toBeUndefined();
    expect(jitReexecEnvironment("apiserver", {}, ["bun", "cmd/main.ts"])).toBeUndefined();
    // The user's choice wins, whatever it is; the re-executed process sees it set and runs on.
    expect(jitReexecEnvironment("apiserver", { BUN_JSC_useFTLJIT: "1" }, compiled)).toBeUndefined();
    expect(jitReexecEnvironment("apiserver", { BUN_JSC_useFTLJIT: "0" }, compiled)).toBeUndefined();
  });
});

function environOf(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, "utf8")
    .split("\0")
    .filter((entry) => entry.includes("="))
    .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)] as const);
  return Object.fromEntries(entries);
}

describe("the compiled kube", () => {
  test("kube etcd runs re-executed in its own PID with FTL off, and kube version still runs", async () => {
    await ensureKubeBuilt();
    const dir = mkdtempSync(join(tmpdir(), "kt-jit-"));
    const { BUN_JSC_useFTLJIT: _, ...env } = process.env;
    const etcd = Bun.spawn(
      [kubeBinary, "etcd", "--listen-client-urls=http://127.0.0.1:0", `--data-dir=${join(dir, "data")}`],
      { env, stdin: "ignore", stdout: "ignore", stderr: "pipe" },
    );
    try {
      const reader = etcd.stderr.getReader();
      let log = "";
      while (!/serving the etcd v3 API/.test(log)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`kube etcd exited: ${log}`);
        log += new TextDecoder().decode(value);
      }
      // The PID Bun.spawn returned: the re-exec replaced the image in place, nothing was forked.
      expect(environOf(etcd.pid).BUN_JSC_useFTLJIT).toBe("0");
      const version = spawnSync(kubeBinary, ["version"], { encoding: "utf8", env });
      expect(version.status).toBe(0);
    } finally {
      etcd.kill("SIGTERM");
      await etcd.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
