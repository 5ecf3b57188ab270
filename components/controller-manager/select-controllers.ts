// `--controllers` with upstream's syntax: "*" turns on every controller that is on by default,
// "name" turns one on, "-name" turns one off; an unknown name is an error naming the known ones.

import type { ControllerDescriptor } from "./controller.ts";

export class ControllerSelectionError extends Error {
  override name = "ControllerSelectionError";
}

export function selectControllers(spec: string, all: ControllerDescriptor[]): ControllerDescriptor[] {
  const items = spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const known = new Set(all.map((c) => c.name));
  for (const item of items) {
    const name = item.startsWith("-") ? item.slice(1) : item;
    if (name !== "*" && !known.has(name))
      throw new ControllerSelectionError(
        `unknown controller "${name}" in --controllers; known: ${[...known].sort().join(", ")}`,
      );
  }
  const star = items.includes("*");
  return all.filter((c) => {
    if (items.includes(`-${c.name}`)) return false;
    if (items.includes(c.name)) return true;
    return star && !c.disabledByDefault;
  });
}
