// JSON Pointer (RFC 6901) resolution to the parent container and final key, the way
// evanphx/json-patch (used by kube-apiserver) finds the target of an operation.

import { isJsonObject, type JsonObject, type JsonValue } from "./json-value.ts";

export interface PointerTarget {
  /** The object or array that holds the addressed member. */
  container: JsonObject | JsonValue[];
  /** The unescaped last reference token (`~1` → `/`, `~0` → `~`). */
  key: string;
}

export function unescapeToken(token: string): string {
  return token.replaceAll("~1", "/").replaceAll("~0", "~");
}

export function escapeToken(token: string): string {
  return token.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Parses an array index token; Go's strconv.Atoi accepts an optional sign. */
export function parseIndex(token: string): number | undefined {
  return /^[+-]?\d+$/.test(token) ? Number(token) : undefined;
}

/**
 * The container holding the member a pointer addresses, or undefined when a parent along the
 * way is missing or is not a container. The root pointer "" has no container.
 */
export function resolveParent(doc: JsonValue, pointer: string): PointerTarget | undefined {
  if (!pointer.startsWith("/")) return undefined;
  const tokens = pointer.slice(1).split("/").map(unescapeToken);
  const key = tokens.pop() ?? "";
  let current: JsonValue | undefined = doc;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      const index = parseIndex(token);
      current = index === undefined || index < 0 ? undefined : current[index];
    } else if (isJsonObject(current)) {
      current = Object.hasOwn(current, token) ? current[token] : undefined;
    } else {
      return undefined;
    }
  }
  if (Array.isArray(current) || isJsonObject(current)) return { container: current, key };
  return undefined;
}
