// A component's log lines to stderr, written in batches: the lines logged in one turn of the
// event loop go out in one write at its end (setImmediate), not one write each. A 100-pod burst's
// kubelet spent ~5% of its thread on per-line writes. Pending lines are written at exit too.

export interface LineLog {
  log(line: string): void;
  /** Writes what is pending now (also runs at process exit). */
  flush(): void;
}

const open = new Set<() => void>();

/** Writes every log's pending lines (before a final error message, so the order stays). */
export function flushLineLogs(): void {
  for (const flush of open) flush();
}

export function lineLog(
  prefix: string,
  write: (text: string) => void = (text) => console.error(text),
): LineLog {
  let pending: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join("\n");
    pending = [];
    write(text);
  };
  open.add(flush);
  process.once("exit", flush);
  return {
    log: (line) => {
      pending.push(`${prefix}: ${line}`);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
