// Keys by the string values of one member name anywhere in the stored JSON (`"nodeName":"n1"`),
// read from the bytes without a parse: the watch cache's index for lists by node, and the value
// reader its fan-out uses to find the watchers of one node (upstream's cacher trigger index).

import { indexOfBytes, startsWithBytes, utf8Text } from "./byte-text.ts";

/** The bucket of objects whose member value could not be read (an escape, another layout). */
export const UNREADABLE = "\0unreadable";

const KUBE_ENCODED = Buffer.from('{"metadata":{');

/** The `"member":"` text whose string values memberValues reads. */
export function memberNeedle(member: string): Buffer {
  return Buffer.from(`${JSON.stringify(member)}:"`);
}

/** The string values of the member `needle` names in `value`; UNREADABLE when one holds an escape. */
export function memberValues(needle: Buffer, value: Uint8Array): string[] {
  // Another writer's layout may space its members: always a candidate.
  if (!startsWithBytes(value, KUBE_ENCODED)) return [UNREADABLE];
  const out: string[] = [];
  for (let at = indexOfBytes(value, needle); at >= 0; at = indexOfBytes(value, needle, at + 1)) {
    const from = at + needle.length;
    const close = indexOfBytes(value, 0x22, from);
    if (close < 0) break;
    const slash = indexOfBytes(value, 0x5c, from);
    out.push(slash >= 0 && slash < close ? UNREADABLE : utf8Text(value, from, close));
  }
  return out;
}

/** Only ever a superset of the keys whose member has a value: unreadable ones are in every lookup. */
export class MemberIndex {
  private readonly byValue = new Map<string, Set<string>>();
  private readonly needle: Buffer;

  constructor(member: string) {
    this.needle = memberNeedle(member);
  }

  move(key: string, before: Uint8Array | undefined, after: Uint8Array | undefined): void {
    if (before) for (const v of memberValues(this.needle, before)) this.byValue.get(v)?.delete(key);
    if (after) {
      for (const v of memberValues(this.needle, after)) {
        let keys = this.byValue.get(v);
        if (!keys) {
          keys = new Set();
          this.byValue.set(v, keys);
        }
        keys.add(key);
      }
    }
  }

  candidates(value: string): string[] {
    return [...(this.byValue.get(value) ?? []), ...(this.byValue.get(UNREADABLE) ?? [])];
  }
}
