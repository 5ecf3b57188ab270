// Tests for the server side of a SPDY session: SYN_STREAM gets its headers and a SYN_REPLY,
// DATA and FIN flow both ways, RST_STREAM reaches the stream, PING is echoed.
import { describe, expect, test } from "bun:test";
import { encodeFrame, FrameReader, type SpdyFrame } from "./frames.ts";
import { HeaderCompressor, HeaderDecompressor } from "./header-block.ts";
import { SpdySession, type SpdyStream } from "./spdy-session.ts";

async function until(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition not met");
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe("SpdySession", () => {
  test("streams, replies, data both ways, FIN, RST and PING", async () => {
    const fromServer = new FrameReader();
    const received: SpdyFrame[] = [];
    const streams: SpdyStream[] = [];
    const events: string[] = [];
    const session = new SpdySession({
      send: (b) => received.push(...fromServer.push(b)),
      onStream(s) {
        streams.push(s);
        s.ondata = (d) => events.push(`data ${s.id} ${new TextDecoder().decode(d)}`);
        s.onend = () => events.push(`end ${s.id}`);
        s.onreset = () => events.push(`reset ${s.id}`);
        void s.reply();
      },
    });
    const client = new HeaderCompressor();
    const clientInflate = new HeaderDecompressor();
    try {
      const syn = async (id: number, streamtype: string) =>
        encodeFrame({
          type: "syn_stream",
          streamId: id,
          associatedId: 0,
          priority: 0,
          fin: false,
          headerBlock: await client.compress({ streamtype, port: "80", requestid: "0" }),
        });
      const bytes = Buffer.concat([
        await syn(1, "error"),
        encodeFrame({ type: "data", streamId: 1, fin: true, data: new Uint8Array() }),
        await syn(3, "data"),
        encodeFrame({ type: "data", streamId: 3, fin: false, data: new TextEncoder().encode("hello") }),
        encodeFrame({ type: "ping", id: 1 }),
      ]);
      // Split mid-frame, as websocket messages may.
      session.receive(bytes.subarray(0, 7));
      session.receive(bytes.subarray(7));
      await until(() => received.length >= 3);
      expect(streams.map((s) => s.headers)).toEqual([
        { streamtype: "error", port: "80", requestid: "0" },
        { streamtype: "data", port: "80", requestid: "0" },
      ]);
      expect(events).toEqual(["end 1", "data 3 hello"]);
      expect(received.map((f) => f.type)).toEqual(["syn_reply", "syn_reply", "ping"]);
      for (const f of received)
        if (f.type === "syn_reply") expect(await clientInflate.decompress(f.headerBlock)).toEqual({});

      await (streams[1] as SpdyStream).write(new TextEncoder().encode("world"));
      await (streams[1] as SpdyStream).end();
      await (streams[0] as SpdyStream).end();
      expect(received.slice(3)).toEqual([
        { type: "data", streamId: 3, fin: false, data: new TextEncoder().encode("world") },
        { type: "data", streamId: 3, fin: true, data: new Uint8Array() },
        { type: "data", streamId: 1, fin: true, data: new Uint8Array() },
      ]);
      session.receive(encodeFrame({ type: "rst_stream", streamId: 3, status: 5 }));
      await until(() => events.length === 3);
      expect(events[2]).toBe("reset 3");
      expect(session.openStreams).toBe(0);
    } finally {
      session.close();
      client.close();
      clientInflate.close();
    }
  });
});
