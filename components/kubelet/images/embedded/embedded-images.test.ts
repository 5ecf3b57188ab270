// Each embedded image run as the kubelet runs it, `kube image <name>` from source, on a port the
// OS picks (PORT=0, read back from the start line); stopped by SIGTERM/SIGQUIT, exit 0.

import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm, truncate, unlink } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { combinedLogLine, timeLocal } from "./combined-log-format.ts";
import { PAUSE_SCRIPT } from "./pause.ts";

const repoRoot = resolve(import.meta.dir, "../../../..");
const running = new Set<Subprocess>();
const tempDirs: string[] = [];

interface ImageProcess {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** Resolves with the first stdout match; rejects if the process exits or the deadline passes. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  output(): string;
}

function startImage(name: string, env: Record<string, string> = {}): ImageProcess {
  const proc = Bun.spawn([process.execPath, "cmd/main.ts", "image", name], {
    cwd: repoRoot,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, PORT: "0", ...env },
  });
  running.add(proc);
  proc.exited.finally(() => running.delete(proc));
  let text = "";
  let ended = false;
  const decoder = new TextDecoder();
  const pumped = (async () => {
    for await (const chunk of proc.stdout) text += decoder.decode(chunk, { stream: true });
    ended = true;
  })();
  return {
    proc,
    output: () => text,
    waitFor: async (pattern, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = text.match(pattern);
        if (match) return match;
        if (ended || Date.now() > deadline) {
          const stderr = await new Response(proc.stderr).text();
          throw new Error(
            `no ${pattern} in stdout ${JSON.stringify(text)}; stderr ${JSON.stringify(stderr)}`,
          );
        }
        await Promise.race([pumped, Bun.sleep(10)]);
      }
    },
  };
}

/** Reads everything a TCP server sends until it closes the connection. */
function readAll(port: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let data = "";
    socket.on("data", (chunk) => {
      data += chunk.toString();
    });
    socket.on("end", () => resolvePromise(data));
    socket.on("error", reject);
  });
}

/** Polls `check` until it returns true (a condition with a deadline, not a fixed sleep). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(10);
  }
}

/** Whether the process has a handler for SIGTERM (bit 15 of SigCgt in /proc/<pid>/status). */
/**
 * True once the shell catches SIGTERM and SIGINT and sits in `wait` for its sleep child: a
 * signal sent earlier (between the traps, or before the child exists) may find no handler.
 */
async function catchesSigterm(pid: number): Promise<boolean> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const mask = status.match(/^SigCgt:\s*([0-9a-f]+)/m)?.[1];
  if (mask === undefined) return false;
  const caught = BigInt(`0x${mask}`);
  const traps = (caught & (1n << 14n)) !== 0n && (caught & (1n << 1n)) !== 0n;
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, "utf8").catch(() => "");
  return traps && children.trim() !== "";
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kt-nginx-"));
  tempDirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const proc of running) proc.kill("SIGKILL");
  await Promise.all([...running].map((proc) => proc.exited));
});

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("kube image hello / hello-world", () => {
  for (const [name, greeting] of [
    ["hello", "hello\n"],
    ["hello-world", "hello world\n"],
  ] as const) {
    test(`${name} writes "${greeting.trim()}" to each connection and stops on SIGTERM`, async () => {
      const image = startImage(name);
      const [, port = ""] = await image.waitFor(
        new RegExp(`^${name}: listening on 0\\.0\\.0\\.0:(\\d+)$`, "m"),
      );
      expect(await readAll(Number(port))).toBe(greeting);
      expect(await readAll(Number(port))).toBe(greeting);
      image.proc.kill("SIGTERM");
      expect(await image.proc.exited).toBe(0);
      expect(image.output()).toBe(`${name}: listening on 0.0.0.0:${port}\n`);
    }, 20_000);
  }
});

describe("pause", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    test(`waits silently until ${signal}, then exits 0`, async () => {
      const proc = Bun.spawn(["/bin/sh", "-c", PAUSE_SCRIPT], { stdout: "pipe", stderr: "pipe" });
      try {
        await eventually(() => catchesSigterm(proc.pid));
        // dash can miss a signal that lands between forking `sleep` and entering `wait` (seen
        // about once in five runs under load): resend until it exits, as a kubelet's stop would
        // end in SIGKILL anyway. What is checked is that the trap exits 0, silently.
        proc.kill(signal);
        const resend = setInterval(() => proc.kill(signal), 1000);
        const code = await proc.exited.finally(() => clearInterval(resend));
        expect(code).toBe(0);
        expect(await new Response(proc.stdout).text()).toBe("");
      } finally {
        proc.kill("SIGKILL");
      }
    }, 20_000);
  }
});

describe("kube image nginx", () => {
  test("serves the welcome page, 404s the rest, logs each request in combined format", async () => {
    const logDir = join(await tempDir(), "nginx");
    const image = startImage("nginx", { LOG_DIR: logDir });
    const logPath = join(logDir, "access.log");
    const [, port = ""] = await image.waitFor(/^nginx: listening on 0\.0\.0\.0:(\d+), access log (.+)$/m);
    expect(image.output()).toContain(`access log ${logPath}\n`);
    const base = `http://127.0.0.1:${port}`;

    const home = await fetch(`${base}/`, { headers: { "User-Agent": "kt-agent/1", Referer: "http://kt/" } });
    const body = await home.text();
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toBe("text/html");
    expect(body).toContain("<title>Welcome to nginx!</title>");
    const missing = await fetch(`${base}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("404 Not Found");

    await eventually(async () => (await readFile(logPath, "utf8").catch(() => "")).split("\n").length >= 3);
    const lines = (await readFile(logPath, "utf8")).trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    const pattern = (path: string, status: number, bytes: number, referer: string, agent: string): RegExp =>
      new RegExp(
        `^127\\.0\\.0\\.1 - - \\[\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\\] ` +
          `"GET ${path} HTTP/1\\.1" ${status} ${bytes} "${referer}" "${agent}"$`,
      );
    expect(lines[0]).toMatch(pattern("/", 200, Buffer.byteLength(body), "http://kt/", "kt-agent/1"));
    expect(lines[1]).toMatch(/^127\.0\.0\.1 - - \[.*\] "GET \/nope HTTP\/1\.1" 404 \d+ "-" ".*"$/);

    image.proc.kill("SIGTERM");
    expect(await image.proc.exited).toBe(0);
  }, 20_000);

  test("keeps logging after the log is truncated (seed 003's log-truncator) or removed", async () => {
    const logDir = join(await tempDir(), "logs");
    const image = startImage("nginx", { LOG_DIR: logDir });
    const logPath = join(logDir, "access.log");
    const [, port = ""] = await image.waitFor(/listening on 0\.0\.0\.0:(\d+)/);
    const get = async (path: string): Promise<void> => {
      await (await fetch(`http://127.0.0.1:${port}${path}`)).text();
    };
    const logText = (): Promise<string> => readFile(logPath, "utf8").catch(() => "");

    await get("/first");
    await eventually(async () => (await logText()).includes("/first"));
    await truncate(logPath, 0);
    await get("/second");
    await eventually(async () => (await logText()).includes("/second"));
    const afterTruncate = await logText();
    expect(afterTruncate.startsWith("127.0.0.1")).toBe(true);
    expect(afterTruncate).not.toContain("/first");
    expect(afterTruncate.split("\n")).toHaveLength(2);

    await unlink(logPath);
    await rm(logDir, { recursive: true });
    await get("/third");
    await eventually(async () => (await logText()).includes("/third"));
    expect((await logText()).split("\n")).toHaveLength(2);

    image.proc.kill("SIGQUIT");
    expect(await image.proc.exited).toBe(0);
  }, 20_000);
});

describe("kube image usage errors", () => {
  test("an unknown image is one line naming the known ones, exit 2", () => {
    const result = Bun.spawnSync([process.execPath, "cmd/main.ts", "image", "nope"], {
      cwd: repoRoot,
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(result.exitCode).toBe(2);
    expect(result.stdout.toString()).toBe("");
    expect(result.stderr.toString()).toBe(
      `kube image: unknown image "nope": want one of hello, hello-world, nginx; see 'kube image --help'\n`,
    );
  });

  test("a bad PORT fails with a message naming it", () => {
    const result = Bun.spawnSync([process.execPath, "cmd/main.ts", "image", "hello"], {
      cwd: repoRoot,
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, PORT: "http" },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.toString()).toBe(
      'kube image: invalid PORT "http": want a port number from 0 to 65535\n',
    );
  });
});

describe("combinedLogLine", () => {
  test("formats as nginx does, with - for missing values and \\x escapes", () => {
    const time = new Date(2000, 9, 10, 13, 55, 36);
    expect(
      combinedLogLine({
        remoteAddr: "10.0.0.7",
        time,
        request: 'GET /a"b HTTP/1.1',
        status: 200,
        bodyBytesSent: 615,
        userAgent: "curl/8.5.0",
      }),
    ).toBe(`10.0.0.7 - - [${timeLocal(time)}] "GET /a\\x22b HTTP/1.1" 200 615 "-" "curl/8.5.0"`);
    expect(timeLocal(time)).toMatch(/^10\/Oct\/2000:13:55:36 [+-]\d{4}$/);
  });
});
