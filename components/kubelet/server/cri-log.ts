// The CRI container log format (k8s.io/cri-api, pkg/kubelet/kuberuntime/logs/logs.go): one entry
// per line, `<RFC3339Nano> <stdout|stderr> <F|P> <text>`, P marking a partial line continued by
// the next entry. Parsing, and the selection `kubectl logs` asks for (since, tail, timestamps).

export interface CriLogEntry {
  /** The timestamp as written (RFC3339Nano); echoed with `timestamps=true`, as upstream. */
  timestamp: string;
  /** Milliseconds since the epoch (for sinceTime/sinceSeconds). */
  time: number;
  stream: "stdout" | "stderr";
  /** Text without the line ending; a partial entry's text continues in the next entry. */
  text: string;
  partial: boolean;
}

export interface LogSelection {
  /** Only entries at or after this time (ms since the epoch). */
  sinceMs?: number;
  /** Only the last N lines. */
  tailLines?: number;
  timestamps: boolean;
}

/** One line of a CRI log file; undefined for a line that is not in the format. */
export function parseCriLine(line: string): CriLogEntry | undefined {
  const a = line.indexOf(" ");
  const b = a < 0 ? -1 : line.indexOf(" ", a + 1);
  if (a < 0 || b < 0) return undefined;
  const stream = line.slice(a + 1, b);
  if (stream !== "stdout" && stream !== "stderr") return undefined;
  const timestamp = line.slice(0, a);
  const time = Date.parse(timestamp);
  if (Number.isNaN(time)) return undefined;
  // The tag field is "F" or "P", possibly followed by ":"-separated extras (CRI allows it).
  const c = line.indexOf(" ", b + 1);
  const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  const text = c < 0 ? "" : line.slice(c + 1);
  return { timestamp, time, stream, text, partial: tag.split(":")[0] === "P" };
}

/**
 * Joins partial entries into whole lines (the first fragment's timestamp), dropping lines that
 * are not in the format. A trailing partial entry is kept as a line (the container may have died
 * mid-line).
 */
export function joinPartials(entries: CriLogEntry[]): CriLogEntry[] {
  const out: CriLogEntry[] = [];
  let open: CriLogEntry | undefined;
  for (const e of entries) {
    if (open && open.stream === e.stream) {
      open = { ...open, text: open.text + e.text, partial: e.partial };
    } else {
      if (open) out.push(open);
      open = { ...e };
    }
    if (!open.partial) {
      out.push(open);
      open = undefined;
    }
  }
  if (open) out.push(open);
  return out;
}

export function parseCriLog(text: string): CriLogEntry[] {
  const entries: CriLogEntry[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const e = parseCriLine(line);
    if (e) entries.push(e);
  }
  return joinPartials(entries);
}

/** Applies sinceTime/sinceSeconds, then tailLines (upstream applies since first, then tail). */
export function selectEntries(entries: CriLogEntry[], selection: LogSelection): CriLogEntry[] {
  let out = entries;
  const since = selection.sinceMs;
  if (since !== undefined) out = out.filter((e) => e.time >= since);
  if (selection.tailLines !== undefined && selection.tailLines >= 0) {
    out = selection.tailLines === 0 ? [] : out.slice(-selection.tailLines);
  }
  return out;
}

export function formatEntry(e: CriLogEntry, timestamps: boolean): string {
  return `${timestamps ? `${e.timestamp} ` : ""}${e.text}${e.partial ? "" : "\n"}`;
}

/** Writes one CRI log line (what a runtime appends; used by runtimes and tests). */
export function criLine(
  stream: "stdout" | "stderr",
  text: string,
  at: Date = new Date(),
  partial = false,
): string {
  return `${at.toISOString()} ${stream} ${partial ? "P" : "F"} ${text}\n`;
}
