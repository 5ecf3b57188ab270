// A kube subcommand as plain data: name, one-line description, citty flag definitions, and a
// run function from parsed flags to an exit status. Erases the flag types so cmd/main.ts can
// hold every command in one table (citty's CommandDef<T> is invariant in T).

import type { ArgsDef, ParsedArgs } from "citty";
import { parseArgs } from "citty";

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
  run(args: ParsedArgs<T>, prog: string): number | Promise<number>;
}

export function defineKubeCommand<const T extends ArgsDef>(def: KubeCommandDef<T>): KubeCommand {
  return {
    name: def.name,
    description: def.description,
    args: def.args,
    passThroughArgs: def.passThroughArgs,
    run: async (rawArgs, prog) => def.run(parseArgs<T>(rawArgs, def.args), prog),
  };
}
