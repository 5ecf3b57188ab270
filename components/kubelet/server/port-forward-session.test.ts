// Tests for port-forward streams: a data stream is joined to a TCP connection to the pod IP and
// port, the error stream ends empty when the connection closes, and a refused port sends the
// error text on the error stream.
import { afterAll, describe, expect, test } from "bun:test";
import { PortForwardSession } from "./port-forward-session.ts";
import { encodeFrame, FrameReader, type SpdyFrame } from "./spdy/frames.ts";
import { HeaderCompressor } from "./spdy/header-block.ts";

const echo = Bun.listen({
  hostname: "127.0.0.1",
  port: 0,
  socket: {
    data(socket, data) {
      socket.write(`echo:${data.toString()}`);
      socket.end();
    },
  },
});
afterAll(() => echo.stop(true));

async function until(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition not met");
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function open(port: number) {
  const frames: SpdyFrame[] = [];
  const reader = new FrameReader();
  const session = new PortForwardSession({
    podIP: "127.0.0.1",
    podName: "default/web",
    uid: "u1",
    send: (b) => frames.push(...reader.push(b)),
    close: () => undefined,
    log: () => undefined,
  });
  const c = new HeaderCompressor();
  const syn = async (id: number, streamtype: string) =>
    encodeFrame({
      type: "syn_stream",
      streamId: id,
      associatedId: 0,
      priority: 0,
      fin: false,
      headerBlock: await c.compress({ streamtype, port: String(port), requestid: "0" }),
    });
  session.receive(Buffer.concat([await syn(1, "error"), await syn(3, "data")]));
  const close = () => {
    session.close();
    c.close();
  };
  return { frames, session, close };
}

const text = (frames: SpdyFrame[], id: number) =>
  frames
    .filter((f) => f.type === "data" && f.streamId === id)
    .map((f) => new TextDecoder().decode((f as { data: Uint8Array }).data))
    .join("");

describe("PortForwardSession", () => {
  test("data reaches the pod port and comes back; both streams end with FIN", async () => {
    const { frames, session, close } = await open(echo.port);
    try {
      session.receive(
        encodeFrame({ type: "data", streamId: 3, fin: false, data: new TextEncoder().encode("ping") }),
      );
      await until(() => frames.some((f) => f.type === "data" && f.streamId === 1 && f.fin));
      expect(
        frames.filter((f) => f.type === "syn_reply").map((f) => (f as { streamId: number }).streamId),
      ).toEqual([1, 3]);
      expect(text(frames, 3)).toBe("echo:ping");
      expect(text(frames, 1)).toBe("");
      expect(frames.some((f) => f.type === "data" && f.streamId === 3 && f.fin)).toBe(true);
    } finally {
      close();
    }
  });

  test("a refused port is reported on the error stream, and the data stream ends (kubectl waits for it)", async () => {
    const closedPort = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = closedPort.port;
    closedPort.stop(true);
    const { frames, close } = await open(port);
    try {
      await until(() => frames.some((f) => f.type === "data" && f.streamId === 1 && f.fin));
      expect(text(frames, 1)).toBe(
        `error forwarding port ${port} to pod default/web, uid u1: dial tcp4 127.0.0.1:${port}: connect: connection refused`,
      );
      await until(() => frames.some((f) => f.type === "data" && f.streamId === 3 && f.fin));
    } finally {
      close();
    }
  });
});
