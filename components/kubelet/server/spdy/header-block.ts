// SPDY/3 header blocks (§2.6.10): `u32 count` then `u32 len, name, u32 len, value` pairs,
// compressed with zlib and the SPDY/3 dictionary as ONE stream per direction for the whole
// connection, flushed with Z_SYNC_FLUSH after each block. Node's one-shot zlib calls cannot
// keep that state, so each direction holds a streaming deflate or inflate.
import type * as Zlib from "node:zlib";
import type { Deflate, Inflate } from "node:zlib";
import { SPDY3_DICTIONARY } from "./dictionary.ts";

/** node:zlib loads at first use, not with every kube process (the bundle links static imports at start). */
const zlib = (): typeof Zlib => require("node:zlib") as typeof Zlib;

export type SpdyHeaders = Record<string, string>;

export function encodeHeaders(headers: SpdyHeaders): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const entries = Object.entries(headers);
  const u32 = (n: number) =>
    new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
  parts.push(u32(entries.length));
  for (const [name, value] of entries) {
    const n = enc.encode(name.toLowerCase());
    const v = enc.encode(value);
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

/** Repeated values of one name are NUL-separated in SPDY; they are kept so here. */
export function decodeHeaders(raw: Uint8Array): SpdyHeaders {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dec = new TextDecoder();
  const out: SpdyHeaders = {};
  let at = 0;
  const take = (): string => {
    const n = view.getUint32(at);
    at += 4;
    if (at + n > raw.length) throw new Error("SPDY header block is truncated");
    const s = dec.decode(raw.subarray(at, at + n));
    at += n;
    return s;
  };
  const count = view.getUint32(0);
  at = 4;
  for (let i = 0; i < count; i++) {
    const name = take();
    out[name] = take();
  }
  return out;
}

/** Runs one zlib stream and returns what one sync-flushed input produced. */
function runFlushed(stream: Deflate | Inflate, input: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onData = (c: Buffer) => chunks.push(c);
    const onError = (err: Error) => {
      stream.off("data", onData);
      reject(err);
    };
    stream.on("data", onData);
    stream.once("error", onError);
    stream.write(input);
    stream.flush(zlib().constants.Z_SYNC_FLUSH, () => {
      stream.off("data", onData);
      stream.off("error", onError);
      resolve(Buffer.concat(chunks));
    });
  });
}

/** Compresses outgoing header blocks (one per connection direction). Calls must not overlap. */
export class HeaderCompressor {
  private readonly deflate = zlib().createDeflate({ dictionary: SPDY3_DICTIONARY });

  async compress(headers: SpdyHeaders): Promise<Uint8Array> {
    return runFlushed(this.deflate, encodeHeaders(headers));
  }

  close(): void {
    this.deflate.destroy();
  }
}

/** Decompresses incoming header blocks, in arrival order. Calls must not overlap. */
export class HeaderDecompressor {
  private readonly inflate = zlib().createInflate({ dictionary: SPDY3_DICTIONARY });

  async decompress(block: Uint8Array): Promise<SpdyHeaders> {
    if (block.length === 0) return {};
    return decodeHeaders(await runFlushed(this.inflate, block));
  }

  close(): void {
    this.inflate.destroy();
  }
}
