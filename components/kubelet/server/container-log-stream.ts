// A container's log as the kubelet serves it (pkg/kubelet/kuberuntime/logs/logs.go ReadLogs):
// the CRI file read from the start with since/tail applied, then, with follow, new lines as they
// are appended (one chunk per line, so proxies flush per line) until the container has exited.
import { open } from "node:fs/promises";
import { formatEntry, joinPartials, type LogSelection, parseCriLine, selectEntries } from "./cri-log.ts";

export interface ContainerLogOptions extends LogSelection {
  path: string;
  follow: boolean;
  limitBytes?: number;
  /** Polled while following; false ends the stream once the file is drained. */
  running(): Promise<boolean>;
  /** How often a follow looks for new lines (default 100 ms). */
  pollMs?: number;
}

/** Reads the file from `offset`; returns the whole lines and the new offset (a partial line waits). */
async function readLines(path: string, offset: number): Promise<{ lines: string[]; offset: number }> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, "r");
  } catch {
    return { lines: [], offset };
  }
  try {
    const size = (await handle.stat()).size;
    if (size < offset) offset = 0; // truncated or rotated: start over
    if (size === offset) return { lines: [], offset };
    const buf = Buffer.alloc(size - offset);
    const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
    const text = buf.subarray(0, bytesRead);
    const end = text.lastIndexOf(0x0a);
    if (end < 0) return { lines: [], offset };
    return { lines: text.subarray(0, end).toString("utf8").split("\n"), offset: offset + end + 1 };
  } finally {
    await handle.close();
  }
}

export function containerLogStream(options: ContainerLogOptions): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const pollMs = options.pollMs ?? 100;
  let offset = 0;
  let first = true;
  let sent = 0;
  let cancelled = false;
  // Partial entries wait here for the entry that completes them.
  let pending: ReturnType<typeof parseCriLine>[] = [];

  const render = (lines: string[], initial: boolean): string => {
    const entries = [...pending];
    pending = [];
    for (const line of lines) {
      const e = line === "" ? undefined : parseCriLine(line);
      if (e) entries.push(e);
    }
    const valid = entries.filter((e) => e !== undefined);
    const last = valid[valid.length - 1];
    if (last?.partial && options.follow) {
      // Hold back an unfinished line: the next entries complete it.
      let i = valid.length - 1;
      while (i > 0 && valid[i - 1]?.partial) i--;
      pending = valid.slice(i);
      valid.length = i;
    }
    const joined = joinPartials(valid);
    const selected = initial
      ? selectEntries(joined, options)
      : selectEntries(joined, { ...options, tailLines: undefined });
    return selected.map((e) => formatEntry(e, options.timestamps)).join("");
  };

  const limited = (text: string): { chunk: Uint8Array; full: boolean } => {
    let chunk = enc.encode(text);
    const limit = options.limitBytes;
    if (limit !== undefined && sent + chunk.length >= limit) {
      chunk = chunk.subarray(0, Math.max(0, limit - sent));
      sent = limit;
      return { chunk, full: true };
    }
    sent += chunk.length;
    return { chunk, full: false };
  };

  const flushPending = (): string => {
    const rest = joinPartials(pending.filter((e) => e !== undefined));
    pending = [];
    return rest.map((e) => formatEntry(e, options.timestamps)).join("");
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (cancelled) return;
        // Asked before reading, so lines written just before the exit are still read below.
        const running = options.follow ? await options.running() : false;
        const read = await readLines(options.path, offset);
        offset = read.offset;
        const text = render(read.lines, first) + (options.follow && !running ? flushPending() : "");
        first = false;
        if (text.length > 0) {
          const { chunk, full } = limited(text);
          if (chunk.length > 0) controller.enqueue(chunk);
          if (full || !options.follow) controller.close();
          return;
        }
        if (!options.follow || !running) {
          controller.close();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    },
    cancel() {
      cancelled = true;
    },
  });
}
