// The little of ASN.1 DER (X.690) a certificate needs, written and read directly: building a
// certificate with @peculiar/x509 cost ~10 ms each plus ~100 ms to load the library, too slow
// for kube server's first start; these encoders make one in well under a millisecond.

export type Der = Uint8Array;

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

export function tlv(tag: number, ...contents: Der[]): Der {
  const length = contents.reduce((n, c) => n + c.length, 0);
  const head = lengthBytes(length);
  const out = new Uint8Array(1 + head.length + length);
  out[0] = tag;
  out.set(head, 1);
  let at = 1 + head.length;
  for (const c of contents) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

export const sequence = (...items: Der[]): Der => tlv(TAG.sequence, ...items);
export const set = (...items: Der[]): Der => tlv(TAG.set, ...items);
export const octetString = (bytes: Der): Der => tlv(TAG.octetString, bytes);
export const nullValue = (): Der => tlv(TAG.null);
export const booleanTrue = (): Der => tlv(TAG.boolean, Uint8Array.of(0xff));
/** [n] EXPLICIT: a constructed context tag around the value. */
export const explicit = (n: number, value: Der): Der => tlv(0xa0 | n, value);
/** [n] IMPLICIT primitive: the value's bytes under a context tag. */
export const implicit = (n: number, bytes: Der): Der => tlv(0x80 | n, bytes);

/** An unsigned big-endian integer, minimally encoded (a 0x00 first when the top bit is set). */
export function unsignedInteger(bytes: Der): Der {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const body = bytes.subarray(start);
  return (body[0] ?? 0) & 0x80 ? tlv(TAG.integer, Uint8Array.of(0), body) : tlv(TAG.integer, body);
}

export const smallInteger = (n: number): Der => unsignedInteger(Uint8Array.of(n));

/** A BIT STRING of whole bytes (signatures, public keys). */
export const bitString = (bytes: Der): Der => tlv(TAG.bitString, Uint8Array.of(0), bytes);

/** A named-bit BIT STRING (KeyUsage): bit 0 is the first byte's top bit; trailing zero bits dropped. */
export function namedBits(bits: number[]): Der {
  const last = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(last / 8) + 1);
  for (const b of bits) bytes[b >> 3] = (bytes[b >> 3] ?? 0) | (0x80 >> (b & 7));
  return tlv(TAG.bitString, Uint8Array.of(7 - (last & 7)), bytes);
}

export function oid(dotted: string): Der {
  const arcs = dotted.split(".").map(Number);
  const out: number[] = [40 * (arcs[0] ?? 0) + (arcs[1] ?? 0)];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(TAG.oid, Uint8Array.from(out));
}

const text = new TextEncoder();
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** PrintableString when the characters allow it, else UTF8String (as Go's pkix marshals). */
export const directoryString = (s: string): Der =>
  tlv(PRINTABLE.test(s) ? TAG.printableString : TAG.utf8String, text.encode(s));
export const ia5String = (s: string): Der => tlv(TAG.ia5String, text.encode(s));

/** UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5), in whole seconds. */
export function time(d: Date): Der {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const year = d.getUTCFullYear();
  return year >= 1950 && year < 2050
    ? tlv(TAG.utcTime, text.encode(digits.slice(2)))
    : tlv(TAG.generalizedTime, text.encode(digits));
}

export interface Element {
  tag: number;
  /** The whole element, header included. */
  raw: Der;
  /** The contents, without the header. */
  body: Der;
}

/** The elements one after another in `bytes` (the contents of a SEQUENCE, or a whole document). */
export function children(bytes: Der): Element[] {
  const out: Element[] = [];
  let at = 0;
  while (at < bytes.length) {
    const tag = bytes[at] ?? 0;
    let len = bytes[at + 1] ?? 0;
    let head = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4) throw new Error("DER: unsupported length");
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + (bytes[at + 2 + i] ?? 0);
      head += n;
    }
    if (at + head + len > bytes.length) throw new Error("DER: element runs past the end");
    out.push({
      tag,
      raw: bytes.subarray(at, at + head + len),
      body: bytes.subarray(at + head, at + head + len),
    });
    at += head + len;
  }
  return out;
}
