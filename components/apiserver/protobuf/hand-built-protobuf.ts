// Test support: writes protobuf bytes field by field, so tests can build bodies by hand exactly as
// Go lays them out, independently of the encoder under test.

const utf8 = new TextEncoder();

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function varint(value: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    bytes.push(byte);
  } while (v !== 0n);
  return Uint8Array.from(bytes);
}

/** Field `field` as a varint (int32, int64, bool). */
export function int(field: number, value: number | bigint | boolean): Uint8Array {
  return concat(varint(field << 3), varint(typeof value === "boolean" ? Number(value) : value));
}

/** Field `field` as length-delimited bytes. */
export function bytes(field: number, payload: Uint8Array): Uint8Array {
  return concat(varint((field << 3) | 2), varint(payload.length), payload);
}

export function str(field: number, text: string): Uint8Array {
  return bytes(field, utf8.encode(text));
}

/** Field `field` as an embedded message made of the given fields. */
export function msg(field: number, ...fields: Uint8Array[]): Uint8Array {
  return bytes(field, concat(...fields));
}

/** A map entry (key 1, value 2) of a map<string, string> field. */
export function entry(field: number, key: string, value: string): Uint8Array {
  return msg(field, str(1, key), str(2, value));
}

/** "k8s\0" + runtime.Unknown, with empty contentEncoding and contentType as Go writes them. */
export function kubernetesBody(apiVersion: string, kind: string, raw: Uint8Array): Uint8Array {
  return concat(
    Uint8Array.of(0x6b, 0x38, 0x73, 0x00),
    msg(1, str(1, apiVersion), str(2, kind)),
    bytes(2, raw),
    str(3, ""),
    str(4, ""),
  );
}
