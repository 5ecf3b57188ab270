// Strict flag checking in front of citty, whose parser accepts any flag silently: every flag
// must be declared, value flags need a value, booleans take only true/false, and positional
// arguments are refused unless the command declares them. Errors are UsageErrors.

import type { ArgDef, ArgsDef } from "citty";
import { UsageError } from "./usage-error.ts";

function aliasesOf(def: ArgDef): string[] {
  if (!("alias" in def) || def.alias === undefined) return [];
  return Array.isArray(def.alias) ? def.alias : [def.alias];
}

/** Throws a UsageError naming the first argument `argsDef` does not allow. */
export function checkArgs(argsDef: ArgsDef, rawArgs: readonly string[]): void {
  const flags = new Map<string, { name: string; def: ArgDef }>();
  let positionalSlots = 0;
  for (const [name, def] of Object.entries(argsDef)) {
    if (def.type === "positional") {
      positionalSlots++;
      continue;
    }
    flags.set(name, { name, def });
    for (const alias of aliasesOf(def)) flags.set(alias, { name, def });
  }
  const positionals: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string;
    if (arg === "--") {
      positionals.push(...rawArgs.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith("--");
    const body = arg.slice(long ? 2 : 1);
    const eq = body.indexOf("=");
    const key = eq >= 0 ? body.slice(0, eq) : body;
    const inline = eq >= 0 ? body.slice(eq + 1) : undefined;
    const shown = long ? `--${key}` : `-${key}`;
    if (!long && key.length !== 1)
      throw new UsageError(`unknown flag: ${shown} (long flags take two dashes)`);
    let found = flags.get(key);
    if (found === undefined && long && key.startsWith("no-") && inline === undefined) {
      const negated = flags.get(key.slice(3));
      if (negated?.def.type === "boolean") found = negated;
    }
    if (found === undefined) throw new UsageError(`unknown flag: ${shown}`);
    const { name, def } = found;
    if (def.type === "boolean") {
      if (inline !== undefined && inline !== "true" && inline !== "false") {
        throw new UsageError(`invalid value "${inline}" for --${name}: want true or false`);
      }
      continue;
    }
    let value = inline;
    if (value === undefined) {
      value = rawArgs[i + 1];
      if (value === undefined) throw new UsageError(`flag needs an argument: --${name}`);
      i++;
    }
    if (def.type === "enum" && def.options !== undefined && !def.options.includes(value)) {
      throw new UsageError(`invalid value "${value}" for --${name}: want one of ${def.options.join(", ")}`);
    }
  }
  if (positionals.length > positionalSlots) {
    throw new UsageError(`unexpected argument "${positionals[positionalSlots]}"`);
  }
}
