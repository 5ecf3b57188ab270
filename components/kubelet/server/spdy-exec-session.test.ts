import { describe, expect, test } from "bun:test";
import { PassThrough } from "node:stream";
import type { RawConnection, RawConnectionHandlers } from "../../../lib/tls/raw-connection.ts";
import type { ExecProcess } from "../runtime/runtime.ts";
import { SpdyClient } from "./spdy/spdy-client.ts";
import { type SpdyExecOptions, SpdyExecSession } from "./spdy-exec-session.ts";

/** An in-memory connection: server writes go to the SPDY client, client bytes to the session. */
function pair() {
  let handlers: RawConnectionHandlers | undefined;
  let ended = false;
  const client = new SpdyClient((b) => handlers?.data(b));
  const conn: RawConnection = {
    write: (b) => client.receive(b),
    end: () => {
      ended = true;
    },
    pauseReading: () => undefined,
    resumeReading: () => undefined,
    start: (h) => {
      handlers = h;
    },
  };
  return { conn, client, ended: () => ended, closeFromClient: () => handlers?.close() };
}

function fakeProcess() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let exit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => {
    exit = resolve;
  });
  const resizes: Array<[number, number]> = [];
  let stdinText = "";
  let stdinEnded = false;
  stdin.on("data", (b: Buffer) => {
    stdinText += b.toString();
  });
  stdin.on("end", () => {
    stdinEnded = true;
  });
  const killed: string[] = [];
  const proc: ExecProcess = {
    stdin,
    stdout,
    stderr,
    exited,
    resize: (w, h) => void resizes.push([w, h]),
    kill: (s) => void killed.push(s ?? "SIGTERM"),
  };
  return {
    proc,
    resizes,
    killed,
    stdinText: () => stdinText,
    stdinEnded: () => stdinEnded,
    finish(code: number) {
      stdout.end();
      stderr.end();
      exit(code);
    },
  };
}

async function eventually(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function session(
  conn: RawConnection,
  proc: ExecProcess,
  over: Partial<SpdyExecOptions> = {},
): { started: () => number; abandoned: ExecProcess[] } {
  let started = 0;
  const abandoned: ExecProcess[] = [];
  new SpdyExecSession({
    conn,
    protocol: "v4.channel.k8s.io",
    stdin: true,
    stdout: true,
    stderr: true,
    tty: false,
    command: ["sh", "-c", "exit 3"],
    start: async () => {
      started++;
      return proc;
    },
    abandoned: (p) => void abandoned.push(p),
    log: () => undefined,
    ...over,
  });
  return { started: () => started, abandoned };
}

describe("exec over SPDY", () => {
  test("v4: waits for every stream, relays stdin/stdout/stderr, ends with the exit-code Status", async () => {
    const { conn, client, ended } = pair();
    const fake = fakeProcess();
    const s = session(conn, fake.proc);
    const error = client.open({ streamtype: "error" });
    const stdin = client.open({ streamtype: "stdin" });
    const stdout = client.open({ streamtype: "stdout" });
    await client.write(stdin, "early ");
    await eventually("three replies", () => error.replied && stdin.replied && stdout.replied);
    expect(s.started()).toBe(0);
    const stderr = client.open({ streamtype: "stderr" });
    await eventually("the process", () => s.started() === 1);
    await client.write(stdin, "input");
    await client.end(stdin);
    await eventually("stdin", () => fake.stdinEnded());
    expect(fake.stdinText()).toBe("early input");
    fake.proc.stdout.push("out");
    (fake.proc.stderr as PassThrough).push("err");
    fake.finish(3);
    await eventually("the end", () => ended());
    await client.settled();
    expect(stdout.text()).toBe("out");
    expect(stdout.fin).toBe(true);
    expect(stderr.text()).toBe("err");
    expect(stderr.fin).toBe(true);
    expect(JSON.parse(error.text())).toEqual({
      metadata: {},
      status: "Failure",
      message:
        "command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3",
      reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: "3" }] },
    });
    expect(error.fin).toBe(true);
    client.close();
  });

  test("tty: the resize stream's JSON sizes reach the process, split anywhere", async () => {
    const { conn, client, ended } = pair();
    const fake = fakeProcess();
    const s = session(conn, fake.proc, { stdin: false, stderr: false, tty: true });
    client.open({ streamtype: "error" });
    client.open({ streamtype: "stdout" });
    const resize = client.open({ streamtype: "resize" });
    await eventually("the process", () => s.started() === 1);
    await client.write(resize, '{"Width":100,"Hei');
    await client.write(resize, 'ght":40}\n{"Width":80,"Height":24}\nnot json {"Width":');
    await client.write(resize, '1,"Height":2}');
    await eventually("three sizes", () => fake.resizes.length === 3);
    expect(fake.resizes).toEqual([
      [100, 40],
      [80, 24],
      [1, 2],
    ]);
    fake.finish(0);
    await eventually("the end", () => ended());
    client.close();
  });

  test("v3 writes the failure's text (nothing on success); v2 expects no resize stream", async () => {
    for (const [protocol, code, want] of [
      [
        "v3.channel.k8s.io",
        2,
        "command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 2",
      ],
      ["v2.channel.k8s.io", 0, ""],
    ] as const) {
      const { conn, client, ended } = pair();
      const fake = fakeProcess();
      const s = session(conn, fake.proc, { protocol, stdin: false, stderr: false, tty: true });
      const error = client.open({ streamtype: "error" });
      client.open({ streamtype: "stdout" });
      if (protocol === "v3.channel.k8s.io") client.open({ streamtype: "resize" });
      await eventually("the process", () => s.started() === 1);
      fake.finish(code);
      await eventually("the end", () => ended());
      await client.settled();
      expect(error.text()).toBe(want);
      client.close();
    }
  });

  test("streams that never all arrive: the connection ends and nothing starts", async () => {
    const { conn, client, ended } = pair();
    const fake = fakeProcess();
    const s = session(conn, fake.proc, { streamTimeoutMs: 30 });
    client.open({ streamtype: "error" });
    client.open({ streamtype: "bogus" });
    await eventually("the end", () => ended());
    expect(s.started()).toBe(0);
    client.close();
  });

  test("a client that goes away mid-run: the process is abandoned (exec kills it), stdin closed", async () => {
    const { conn, client, closeFromClient } = pair();
    const fake = fakeProcess();
    const s = session(conn, fake.proc, { stdin: true, stdout: true, stderr: false });
    client.open({ streamtype: "error" });
    client.open({ streamtype: "stdin" });
    client.open({ streamtype: "stdout" });
    await eventually("the process", () => s.started() === 1);
    await new Promise((r) => setTimeout(r, 5));
    closeFromClient();
    expect(s.abandoned).toEqual([fake.proc]);
    await eventually("stdin closed", () => fake.stdinEnded());
    client.close();
  });

  test("a failure to start is reported on the error stream", async () => {
    const { conn, client, ended } = pair();
    new SpdyExecSession({
      conn,
      protocol: "v4.channel.k8s.io",
      stdin: false,
      stdout: true,
      stderr: false,
      tty: false,
      start: () => Promise.reject(new Error("no such container")),
      abandoned: () => undefined,
      log: () => undefined,
    });
    const error = client.open({ streamtype: "error" });
    client.open({ streamtype: "stdout" });
    await eventually("the end", () => ended());
    await client.settled();
    expect(JSON.parse(error.text())).toEqual({
      metadata: {},
      status: "Failure",
      message: "no such container",
    });
    client.close();
  });
});
