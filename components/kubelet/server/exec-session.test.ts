// Tests for the exec/attach channel protocol: output framed per channel, stdin and the v5 close
// of stdin, the final Status on channel 3 (Success or NonZeroExitCode), then a 1000 close.
import { describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import type { ExecProcess } from "../runtime/runtime.ts";
import { ExecSession, exitStatus } from "./exec-session.ts";

function run(argv: string[]): ExecProcess {
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    exited: new Promise((resolve) => child.once("exit", (code) => resolve(code ?? 137))),
    resize: () => undefined,
    kill: (s) => void child.kill(s),
  };
}

describe("ExecSession", () => {
  test("stdin through channel 0, [255,0] closes it, output on 1 and 2, Status on 3, close 1000", async () => {
    const sent: Uint8Array[] = [];
    let closed: number | undefined;
    const session = new ExecSession({
      socket: { send: (b) => sent.push(b.slice()), close: (code) => (closed = code) },
      process: run(["sh", "-c", "cat; echo err >&2; exit 3"]),
      protocol: "v5.channel.k8s.io",
      command: ["sh", "-c", "cat; echo err >&2; exit 3"],
      stdout: true,
      stderr: true,
    });
    const done = session.run();
    session.receive(new Uint8Array([0, ...new TextEncoder().encode("hello\n")]));
    session.receive(new Uint8Array([255, 0]));
    await done;
    const by = (ch: number) =>
      sent
        .filter((m) => m[0] === ch)
        .map((m) => new TextDecoder().decode(m.subarray(1)))
        .join("");
    expect(by(1)).toBe("hello\n");
    expect(by(2)).toBe("err\n");
    expect(JSON.parse(by(3))).toEqual(exitStatus(3, ["sh", "-c", "cat; echo err >&2; exit 3"]));
    expect(sent[sent.length - 1]?.[0]).toBe(3);
    expect(closed).toBe(1000);
  });

  test("the Status shapes kubectl decodes", () => {
    expect(exitStatus(0)).toEqual({ metadata: {}, status: "Success" });
    expect(exitStatus(3, ["sh", "-c", "exit 3"])).toEqual({
      metadata: {},
      status: "Failure",
      message:
        "command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3",
      reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: "3" }] },
    });
  });
});
