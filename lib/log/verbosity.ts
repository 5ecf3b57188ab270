// The process-wide log verbosity (upstream klog's `--v=N`): set once by cmd/ from the flag,
// read where a log line is only worth printing when asked for (klog.V(n).Info).

let level = 0;

/** Sets the verbosity (`--v`); negative or fractional values are the caller's to refuse. */
export function setVerbosity(value: number): void {
  level = value;
}

/** The current verbosity: 0 unless `--v` said otherwise. */
export function verbosity(): number {
  return level;
}

/** True when lines of verbosity `n` are printed (klog: `V(n).Enabled()`). */
export function verbose(n: number): boolean {
  return level >= n;
}
