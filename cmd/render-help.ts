// Renders a command's --help in the style of the upstream Go binaries (pflag): a usage line,
// the description, then one line per flag with its value type and default. Plain text, no colour.

import type { ArgDef, ArgsDef } from "citty";

function flagLabel(name: string, def: ArgDef): string {
  const aliases = !("alias" in def) || def.alias === undefined ? [] : [def.alias].flat();
  const short = aliases.filter((a) => a.length === 1).map((a) => `-${a}, `);
  const kind = def.type === "boolean" ? "" : ` ${def.valueHint ?? "string"}`;
  return `${short.join("")}--${name}${kind}`;
}

function defaultText(def: ArgDef): string {
  if (def.default === undefined || def.default === "" || def.default === false) return "";
  const quoted = typeof def.default === "string" && def.valueHint !== "int";
  return quoted ? ` (default "${def.default}")` : ` (default ${def.default})`;
}

/** Splits `text` into lines of at most `width` characters, at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines;
}

/** Total width of help text, as terminals are at least this wide. */
const lineWidth = 100;

const DEPRECATED = "DEPRECATED: ";

/**
 * The full help text for `prog` (e.g. "kube etcd" or "kube-apiserver"). Flags whose description
 * starts with "DEPRECATED: " (cmd/deprecated-flags.ts) are listed apart, after the others.
 */
export function renderHelp(prog: string, description: string, argsDef: ArgsDef): string {
  const rows: [string, string][] = [];
  const deprecated: [string, string][] = [];
  for (const [name, def] of Object.entries(argsDef)) {
    if (def.type === "positional") continue;
    const text = def.description ?? "";
    if (text.startsWith(DEPRECATED)) deprecated.push([flagLabel(name, def), text.slice(DEPRECATED.length)]);
    else rows.push([flagLabel(name, def), `${text}${defaultText(def)}`]);
  }
  rows.push(["-h, --help", "Show this help and exit."]);
  const width = Math.max(...[...rows, ...deprecated].map(([left]) => left.length));
  const lines = [`Usage: ${prog} [flags]`, "", description, "", "Flags:"];
  const indent = " ".repeat(width + 5);
  const table = (entries: [string, string][]): void => {
    for (const [left, right] of entries) {
      const [first, ...more] = wrap(right, Math.max(40, lineWidth - indent.length));
      lines.push(`  ${left.padEnd(width)}   ${first}`, ...more.map((line) => `${indent}${line}`));
    }
  };
  table(rows);
  if (deprecated.length > 0) {
    lines.push("", "Deprecated flags (accepted with a warning; upstream removed them):");
    table(deprecated);
  }
  return `${lines.join("\n")}\n`;
}
