// Flags from the environment, as etcd reads them (etcd's flags.SetPflagsFromEnv: every flag
// --listen-client-urls has a variable ETCD_LISTEN_CLIENT_URLS; the command line wins). Seed
// 004's /etc/etcd/etcd.conf sets ETCD_LISTEN_CLIENT_URLS this way.

import type { ArgsDef } from "citty";
import { checkArgs } from "./check-args.ts";
import { UsageError } from "./usage-error.ts";

/** The variable naming `flag` under `prefix`: `ETCD_` + `listen-client-urls` -> ETCD_LISTEN_CLIENT_URLS. */
export function envName(prefix: string, flag: string): string {
  return `${prefix}${flag.replaceAll("-", "_").toUpperCase()}`;
}

function given(rawArgs: readonly string[], flag: string): boolean {
  return rawArgs.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`) || a === `--no-${flag}`);
}

/**
 * `--flag=value` arguments for the declared flags set in `env` and absent from `rawArgs`,
 * with one line each for `log` (etcd: "recognized and used environment variable ...").
 */
export function flagsFromEnv(
  argsDef: ArgsDef,
  prefix: string,
  rawArgs: readonly string[],
  env: Record<string, string | undefined>,
  log: (line: string) => void,
): string[] {
  const out: string[] = [];
  for (const [flag, def] of Object.entries(argsDef)) {
    if (def.type === "positional") continue;
    const name = envName(prefix, flag);
    const value = env[name];
    if (value === undefined) continue;
    if (given(rawArgs, flag)) {
      log(`ignored environment variable ${name}=${value}: the command line gives --${flag}`);
      continue;
    }
    const arg = def.type === "boolean" && value === "" ? `--${flag}` : `--${flag}=${value}`;
    try {
      checkArgs(argsDef, [arg]);
    } catch (error) {
      if (error instanceof UsageError) throw new UsageError(`environment variable ${name}: ${error.message}`);
      throw error;
    }
    log(`recognized and used environment variable ${name}=${value}`);
    out.push(arg);
  }
  return out;
}
