// A kube subcommand as plain data: name, one-line description, citty flag definitions, and a
// run function from parsed flags to an exit status. Erases the flag types so cmd/main.ts can
// hold every command in one table (citty's CommandDef<T> is invariant in T).

import type { ArgsDef, ParsedArgs } from "citty";
import { parseArgs } from "citty";
import { flagsFromEnv } from "./env-flags.ts";
import { applyLegacyFlags, legacyArgs } from "./legacy-flags.ts";
import { applyLogFlags, LOG_FLAGS } from "./log-flags.ts";

export interface KubeCommand {
  readonly name: string;
  /** One line, shown in `kube --help`. */
  readonly description: string;
  readonly args: ArgsDef;
  /** Arguments after the positionals are the program's own (kube image): not checked. */
  readonly passThroughArgs?: boolean;
  /**
   * Runs with the raw arguments after the command name; resolves to the exit status. `prog`
   * is how the command was invoked ("kube etcd", or "etcd" through a symlink), for log lines.
   */
  run(rawArgs: string[], prog: string): Promise<number>;
}

export interface KubeCommandDef<T extends ArgsDef> {
  name: string;
  description: string;
  args: T;
  passThroughArgs?: boolean;
  /** Flags also read from the environment under this prefix (etcd: `ETCD_`); the command line wins. */
  envPrefix?: string;
  run(args: ParsedArgs<T>, prog: string): number | Promise<number>;
}

/**
 * Every command also takes the logging flags (`--v`, klog's removed ones), as upstream's did,
 * and its legacy flags (cmd/legacy-flags.ts), warned about and mapped before `run` sees them.
 */
export function defineKubeCommand<const T extends ArgsDef>(def: KubeCommandDef<T>): KubeCommand {
  // A pass-through command's flags after its positionals are its program's: no `--v` of ours.
  const args: ArgsDef = def.passThroughArgs
    ? def.args
    : { ...def.args, ...legacyArgs(def.name), ...LOG_FLAGS };
  return {
    name: def.name,
    description: def.description,
    args,
    passThroughArgs: def.passThroughArgs,
    run: async (given, prog) => {
      const log = (line: string): void => console.error(`${prog}: ${line}`);
      // klog's shorthand `-v=2` (citty would read "=2").
      const argv = def.passThroughArgs ? given : given.map((a) => (a.startsWith("-v=") ? `-${a}` : a));
      const rawArgs = def.envPrefix
        ? [...flagsFromEnv(def.args, def.envPrefix, argv, process.env, log), ...argv]
        : argv;
      const parsed = parseArgs<T>(rawArgs, args as T);
      if (!def.passThroughArgs) {
        applyLogFlags(parsed as Record<string, unknown>, log);
        applyLegacyFlags(def.name, parsed as Record<string, unknown>, rawArgs, log);
      }
      return def.run(parsed, prog);
    },
  };
}
