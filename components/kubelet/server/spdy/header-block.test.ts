// Tests for SPDY/3 header blocks: round trips through the dictionary-primed zlib streams, with
// the compression state carried from one block to the next as on a real connection.
import { describe, expect, test } from "bun:test";
import { inflateSync } from "node:zlib";
import { SPDY3_DICTIONARY } from "./dictionary.ts";
import { decodeHeaders, encodeHeaders, HeaderCompressor, HeaderDecompressor } from "./header-block.ts";

describe("SPDY header blocks", () => {
  test("the dictionary is the 1423 bytes of SPDY/3", () => {
    expect(SPDY3_DICTIONARY.length).toBe(1423);
    expect(new TextDecoder().decode(SPDY3_DICTIONARY.subarray(4, 11))).toBe("options");
    expect(new TextDecoder().decode(SPDY3_DICTIONARY.subarray(1417))).toBe("enq=0.");
  });

  test("the raw block encodes count, then length-prefixed lowercase names and values", () => {
    const raw = encodeHeaders({ StreamType: "data", port: "80" });
    expect(Array.from(raw.subarray(0, 4))).toEqual([0, 0, 0, 2]);
    expect(decodeHeaders(raw)).toEqual({ streamtype: "data", port: "80" });
  });

  test("several blocks round-trip through one stream per direction", async () => {
    const c = new HeaderCompressor();
    const d = new HeaderDecompressor();
    try {
      const blocks: Record<string, string>[] = [
        { streamtype: "error", port: "80", requestid: "0" },
        { streamtype: "data", port: "80", requestid: "0" },
        {},
        { streamtype: "data", port: "8080", requestid: "1" },
      ];
      const compressed: Uint8Array[] = [];
      for (const b of blocks) compressed.push(await c.compress(b));
      // The second block reuses the first one's window, so it is smaller than the first.
      expect((compressed[1] as Uint8Array).length).toBeLessThan((compressed[0] as Uint8Array).length);
      for (let i = 0; i < blocks.length; i++) {
        expect(await d.decompress(compressed[i] as Uint8Array)).toEqual(blocks[i] as Record<string, string>);
      }
    } finally {
      c.close();
      d.close();
    }
  });

  test("the compressed stream names the SPDY dictionary (a peer without it cannot read it)", async () => {
    const c = new HeaderCompressor();
    try {
      const block = await c.compress({ streamtype: "error" });
      expect(((block[1] as number) & 0x20) !== 0).toBe(true); // FDICT
      expect(() => inflateSync(block)).toThrow();
    } finally {
      c.close();
    }
  });
});
