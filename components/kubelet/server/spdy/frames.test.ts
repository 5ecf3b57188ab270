// Tests for SPDY/3.1 frame encoding and the frame reader: every frame kind round-trips, and
// frames split across (or packed into) arbitrary chunks come out whole and in order.
import { describe, expect, test } from "bun:test";
import { encodeFrame, FrameReader, type SpdyFrame } from "./frames.ts";

const frames: SpdyFrame[] = [
  {
    type: "syn_stream",
    streamId: 1,
    associatedId: 0,
    priority: 0,
    fin: false,
    headerBlock: new Uint8Array([1, 2, 3]),
  },
  { type: "syn_reply", streamId: 1, fin: false, headerBlock: new Uint8Array([9]) },
  { type: "data", streamId: 3, fin: false, data: new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n") },
  { type: "data", streamId: 1, fin: true, data: new Uint8Array() },
  { type: "rst_stream", streamId: 3, status: 5 },
  { type: "ping", id: 7 },
  { type: "goaway", lastStreamId: 5, status: 0 },
  { type: "window_update", streamId: 0, delta: 65536 },
];

describe("SPDY frames", () => {
  test("a control frame starts 0x8003 with its type, flags and 24-bit length", () => {
    const b = encodeFrame({ type: "ping", id: 1 });
    expect(Array.from(b)).toEqual([0x80, 0x03, 0, 6, 0, 0, 0, 4, 0, 0, 0, 1]);
    const d = encodeFrame({ type: "data", streamId: 3, fin: true, data: new Uint8Array([65]) });
    expect(Array.from(d)).toEqual([0, 0, 0, 3, 1, 0, 0, 1, 65]);
  });

  test("every frame kind round-trips", () => {
    const reader = new FrameReader();
    for (const f of frames) expect(reader.push(encodeFrame(f))).toEqual([f]);
  });

  test("frames split at every byte, or packed together, come out whole", () => {
    const all = Buffer.concat(frames.map(encodeFrame));
    const byByte = new FrameReader();
    const out: SpdyFrame[] = [];
    for (let i = 0; i < all.length; i++) out.push(...byByte.push(all.subarray(i, i + 1)));
    expect(out).toEqual(frames);
    expect(new FrameReader().push(all)).toEqual(frames);
  });

  test("a partial frame waits for the rest", () => {
    const reader = new FrameReader();
    const b = encodeFrame({ type: "data", streamId: 5, fin: false, data: new Uint8Array(100) });
    expect(reader.push(b.subarray(0, 50))).toEqual([]);
    expect(reader.push(b.subarray(50))).toHaveLength(1);
  });
});
