// Buffer's byte search and text methods run on a cached key's or object's Uint8Array in place.
// Buffer.from(bytes.buffer, ...) would make JSC give that array an ArrayBuffer object of its own
// for as long as it lives: ~130-145 bytes more per cached key or object, measured with heapStats.

interface BufferMethods {
  indexOf(this: Uint8Array, needle: Uint8Array | number, from?: number): number;
  includes(this: Uint8Array, needle: Uint8Array): boolean;
  compare(
    this: Uint8Array,
    target: Uint8Array,
    targetStart: number,
    targetEnd: number,
    sourceStart: number,
    sourceEnd: number,
  ): number;
  toString(this: Uint8Array, encoding: "utf8" | "latin1", start: number, end: number): string;
}

const methods = Buffer.prototype as unknown as BufferMethods;

/** The bytes as latin1 text (one character per byte: compares as the bytes do). */
export const latin1Text = (bytes: Uint8Array): string =>
  methods.toString.call(bytes, "latin1", 0, bytes.length);

/** The bytes [start, end) decoded as UTF-8. */
export const utf8Text = (bytes: Uint8Array, start: number, end: number): string =>
  methods.toString.call(bytes, "utf8", start, end);

/** Where `needle` (bytes, or one byte) first occurs at or after `from`; -1 if nowhere. */
export const indexOfBytes = (bytes: Uint8Array, needle: Uint8Array | number, from = 0): number =>
  methods.indexOf.call(bytes, needle, from);

export const includesBytes = (bytes: Uint8Array, needle: Uint8Array): boolean =>
  methods.includes.call(bytes, needle);

/** Whether `bytes` begins with `prefix`. */
export const startsWithBytes = (bytes: Uint8Array, prefix: Uint8Array): boolean =>
  bytes.length >= prefix.length &&
  methods.compare.call(bytes, prefix, 0, prefix.length, 0, prefix.length) === 0;
