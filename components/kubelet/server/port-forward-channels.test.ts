import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { TCPSocketListener } from "bun";
import type { StatusError } from "../../../lib/errors/status-error.ts";
import { PortForwardChannels, portsOf } from "./port-forward-channels.ts";

let echo: TCPSocketListener<undefined>;
let closedPort: number;

beforeAll(() => {
  echo = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      data: (s, d) => {
        const text = new TextDecoder().decode(d);
        s.write(`echo:${text}`);
        if (text.includes("bye")) s.end();
      },
    },
  });
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data: () => undefined } });
  closedPort = probe.port;
  probe.stop(true);
});

afterAll(() => echo.stop(true));

function errorOf(f: () => unknown): StatusError {
  try {
    f();
  } catch (err) {
    return err as StatusError;
  }
  throw new Error("no error");
}

async function eventually(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("port-forward over the websocket channel protocol", () => {
  test("the port query as upstream's NewV4Options parses it", () => {
    expect(portsOf(new URL("http://x/?port=80&port=81,82"))).toEqual([80, 81, 82]);
    const cases: Array<[string, string]> = [
      ["", 'query parameter "port" is required'],
      ["port=", 'query parameter "port" cannot be empty'],
      ["port=abc", 'unable to parse "abc" as a port: strconv.ParseUint: parsing "abc": invalid syntax'],
      [
        "port=70000",
        'unable to parse "70000" as a port: strconv.ParseUint: parsing "70000": value out of range',
      ],
      ["port=80,-1", 'unable to parse "80,-1" as a port: strconv.ParseUint: parsing "-1": invalid syntax'],
      ["port=0", 'port "0" must be > 0'],
    ];
    for (const [query, message] of cases) {
      const err = errorOf(() => portsOf(new URL(`http://x/?${query}`)));
      expect(err.code).toBe(400);
      expect(err.message).toBe(message);
    }
  });

  test("binary: port prefixes on both channels, data both ways, the error channel for a refused port, close when all are done", async () => {
    const frames: Uint8Array[] = [];
    let closed = false;
    const s = new PortForwardChannels({
      ports: [echo.port, closedPort],
      podIP: "127.0.0.1",
      podName: "default/web",
      uid: "u1",
      binary: true,
      sendBinary: (b) => frames.push(b),
      sendText: () => undefined,
      close: () => {
        closed = true;
      },
      log: () => undefined,
    });
    s.open();
    const le = (p: number) => [p & 0xff, p >> 8];
    expect(frames.slice(0, 4).map((f) => [...f])).toEqual([
      [0, ...le(echo.port)],
      [1, ...le(echo.port)],
      [2, ...le(closedPort)],
      [3, ...le(closedPort)],
    ]);
    s.receive(new Uint8Array([0, ...new TextEncoder().encode("hi")]));
    s.receive(new Uint8Array([1, 65])); // error channels are write-only: ignored
    const text = (ch: number) =>
      frames
        .slice(4)
        .filter((f) => f[0] === ch)
        .map((f) => new TextDecoder().decode(f.subarray(1)))
        .join("");
    await eventually("the echo", () => text(0) === "echo:hi");
    await eventually("the refusal", () => text(3).length > 0);
    expect(text(3)).toBe(
      `error forwarding port ${closedPort} to pod default/web, uid u1: dial tcp4 127.0.0.1:${closedPort}: connect: connection refused`,
    );
    expect(closed).toBe(false);
    s.receive(new Uint8Array([0, ...new TextEncoder().encode("bye")]));
    await eventually("the close", () => closed);
  });

  test("base64: text frames with the channel as a digit", async () => {
    const texts: string[] = [];
    const s = new PortForwardChannels({
      ports: [echo.port],
      podIP: "127.0.0.1",
      podName: "default/web",
      uid: "u1",
      binary: false,
      sendBinary: () => undefined,
      sendText: (t) => texts.push(t),
      close: () => undefined,
      log: () => undefined,
    });
    s.open();
    const le = Buffer.from([echo.port & 0xff, echo.port >> 8]).toString("base64");
    expect(texts).toEqual([`0${le}`, `1${le}`]);
    s.receive(new TextEncoder().encode(`0${Buffer.from("abc").toString("base64")}`));
    await eventually("the echo", () => texts.length === 3);
    expect(texts[2]).toBe(`0${Buffer.from("echo:abc").toString("base64")}`);
    s.clientClosed();
  });
});
