// Flags upstream removed that the seed walkthroughs still pass: accepted, each with a one-line
// warning naming what replaced it (as upstream printed while they lived), and otherwise ignored
// unless the command maps them to today's meaning itself.
import type { ArgDef } from "citty";

export interface DeprecatedFlag {
  /** "string" flags take a value, "boolean" ones may stand alone. */
  type: "string" | "boolean";
  /** Printed after "--<name> is deprecated: ". */
  replacement: string;
}

/** citty definitions for the deprecated flags, listed in --help under their own heading. */
export function deprecatedArgs<const T extends Record<string, DeprecatedFlag>>(
  flags: T,
): { [K in keyof T]: ArgDef } {
  const out: Record<string, ArgDef> = {};
  for (const [name, flag] of Object.entries(flags))
    out[name] = { type: flag.type, description: `DEPRECATED: ${flag.replacement}` } as ArgDef;
  return out as { [K in keyof T]: ArgDef };
}

/** One warning line per deprecated flag that was given. */
export function warnDeprecated(
  flags: Record<string, DeprecatedFlag>,
  args: Record<string, unknown>,
  log: (line: string) => void,
): void {
  for (const [name, flag] of Object.entries(flags))
    if (args[name] !== undefined && args[name] !== false)
      log(`Flag --${name} has been deprecated: ${flag.replacement}`);
}
