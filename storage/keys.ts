// Byte-key helpers shared by every storage implementation: text codecs, bytewise order and
// etcd's range conventions (a prefix is the range [p, prefixEnd(p)); "\0" as end means "to the end").

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

export function text(data: Uint8Array): string {
  return decoder.decode(data);
}

/** Bytewise comparison, as etcd orders keys. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compareBytes(a, b) === 0;
}

/** The smallest key greater than every key starting with `prefix` (etcd's GetPrefixRangeEnd). */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  const end = Uint8Array.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1;
      return end.slice(0, i + 1);
    }
  }
  // Every byte is 0xff (or the prefix is empty): the range runs to the end of the keyspace.
  return Uint8Array.of(0);
}

/** The range of every key with this prefix. */
export function prefixRange(prefix: Uint8Array): { key: Uint8Array; end: Uint8Array } {
  return { key: prefix, end: prefixEnd(prefix) };
}

/** True when `end` means "every key from `key` on" (a single zero byte, as etcd). */
export function isOpenEnd(end: Uint8Array): boolean {
  return end.length === 1 && end[0] === 0;
}

/** Whether `key` falls inside [start, end) with etcd's end conventions. */
export function inRange(key: Uint8Array, start: Uint8Array, end: Uint8Array | undefined): boolean {
  if (end === undefined || end.length === 0) return equalBytes(key, start);
  if (compareBytes(key, start) < 0) return false;
  return isOpenEnd(end) || compareBytes(key, end) < 0;
}
