// The logging flags every kube command accepts, as every upstream component did through klog:
// `--v` sets the verbosity everywhere (lib/log/verbosity.ts); klog's output flags, removed
// from the components in 1.26, are accepted with upstream's deprecation line (kube logs to stderr).

import type { ArgDef } from "citty";
import { setVerbosity } from "../lib/log/verbosity.ts";
import { type DeprecatedFlag, deprecatedArgs, warnDeprecated } from "./deprecated-flags.ts";
import { UsageError } from "./usage-error.ts";

const KLOG_REMOVED = "removed in 1.26 (KEP 2845): kube logs to stderr";

/** klog flags the seeds and old unit files pass (`KUBE_LOGTOSTDERR="--logtostderr=true"`). */
export const DEPRECATED_LOG_FLAGS = {
  logtostderr: { type: "boolean", replacement: KLOG_REMOVED },
  alsologtostderr: { type: "boolean", replacement: KLOG_REMOVED },
  "log-dir": { type: "string", replacement: KLOG_REMOVED },
  "log-file": { type: "string", replacement: KLOG_REMOVED },
  stderrthreshold: { type: "string", replacement: KLOG_REMOVED },
} as const satisfies Record<string, DeprecatedFlag>;

export const LOG_FLAGS: Record<string, ArgDef> = {
  v: {
    type: "string",
    valueHint: "Level",
    description: "number for the log level verbosity (0: quiet; 2: what each component starts; higher: more)",
    default: "0",
  },
  ...deprecatedArgs(DEPRECATED_LOG_FLAGS),
};

/** Applies `--v` and warns about klog's removed flags; a bad level is a usage error. */
export function applyLogFlags(args: Record<string, unknown>, log: (line: string) => void): void {
  const raw = args.v;
  if (typeof raw === "string") {
    if (!/^\d+$/.test(raw))
      throw new UsageError(`invalid argument "${raw}" for "-v, --v" flag: want a level 0, 1, 2, ...`);
    setVerbosity(Number(raw));
  }
  warnDeprecated(DEPRECATED_LOG_FLAGS, args, log);
}
