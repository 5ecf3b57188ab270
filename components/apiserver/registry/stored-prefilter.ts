// A byte-level pre-check of stored objects for selectors: an object whose stored JSON lacks the
// text an equality requirement must produce cannot match, so a list or watch skips it without a
// parse. Conservative: it only ever rejects what the full predicate would reject too.

import { includesBytes, startsWithBytes } from "./byte-text.ts";

/** `true`: the object may match (parse and test it); `false`: it cannot match. */
export type StoredPrefilter = (value: Uint8Array) => boolean;

/** Stored JSON written by encodeObject: JSON.stringify's canonical text, metadata first. */
const KUBE_ENCODED = Buffer.from('{"metadata":{');

/**
 * All groups must hold; a group holds when the stored text contains any of its needles. Each
 * needle is the exact text JSON.stringify writes for a member that a matching object has
 * (`"app":"web"`), so an object without it cannot match. Values not written by encodeObject
 * (another writer's layout) always pass. No groups: undefined (nothing to check).
 */
export function storedPrefilter(groups: string[][]): StoredPrefilter | undefined {
  const compiled = groups.filter((g) => g.length > 0).map((g) => g.map((needle) => Buffer.from(needle)));
  if (compiled.length === 0) return undefined;
  return (value) => {
    if (!startsWithBytes(value, KUBE_ENCODED)) return true;
    for (const group of compiled) if (!group.some((needle) => includesBytes(value, needle))) return false;
    return true;
  };
}

/** The needle of one JSON member as JSON.stringify writes it: `"name":"value"`. */
export function memberNeedle(name: string, value: string): string {
  return `${JSON.stringify(name)}:${JSON.stringify(value)}`;
}
