// `kubectl attach`: the container's stdin (a FIFO the supervisor keeps open, when `stdin` was set)
// and a live copy of its output, read from the CRI log as it grows (so it works after adoption too).

import { createWriteStream } from "node:fs";
import { open } from "node:fs/promises";
import { PassThrough } from "node:stream";
import type { ExecProcess } from "../runtime.ts";

export interface AttachTarget {
  logPath: string;
  /** The FIFO feeding the container's stdin, when it has one. */
  stdinPath?: string;
  tty: boolean;
  /** Resolves with the container's exit code when it ends. */
  exited: Promise<number>;
}

/** Parses one CRI log line into its stream and text (the newline restored for full lines). */
export function parseCriLine(line: string): { stream: string; text: string } | undefined {
  const match = /^(\S+) (stdout|stderr) ([FP]) (.*)$/s.exec(line);
  if (match === null) return undefined;
  return { stream: match[2] as string, text: match[3] === "F" ? `${match[4]}\n` : (match[4] as string) };
}

export async function startAttach(target: AttachTarget): Promise<ExecProcess> {
  const stdout = new PassThrough();
  const stderr = target.tty ? undefined : new PassThrough();
  const file = await open(target.logPath, "r");
  let offset = (await file.stat()).size;
  let pending = "";
  let stopped = false;
  let detach: (code: number) => void = () => undefined;
  const detached = new Promise<number>((resolve) => {
    detach = resolve;
  });
  // The container's end (its log is complete by then) or a detach stops the copy after a last read.
  const ended = Promise.race([target.exited, detached]).then(() => {
    stopped = true;
  });
  const pump = async () => {
    for (;;) {
      const { size } = await file.stat();
      if (size > offset) {
        const buffer = Buffer.alloc(size - offset);
        const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
        offset += bytesRead;
        pending += buffer.subarray(0, bytesRead).toString("utf8");
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) {
          const entry = parseCriLine(line);
          if (entry === undefined) continue;
          (entry.stream === "stderr" && stderr !== undefined ? stderr : stdout).write(entry.text);
        }
        continue;
      }
      if (stopped) return;
      await Promise.race([Bun.sleep(100), ended]);
    }
  };
  const exited = (async () => {
    await pump().catch(() => undefined);
    await file.close().catch(() => undefined);
    stdout.end();
    stderr?.end();
    return Promise.race([target.exited, detached]);
  })();
  const stdin =
    target.stdinPath !== undefined ? createWriteStream(target.stdinPath, { flags: "a" }) : undefined;
  return {
    stdin,
    stdout,
    stderr,
    exited,
    resize: () => undefined,
    /** Detaches (the container keeps running); `exited` then resolves with 0. */
    kill: () => {
      stdin?.end();
      detach(0);
    },
  };
}
