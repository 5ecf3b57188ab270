import { afterAll, describe, expect, test } from "bun:test";
import type { RawConnection, RawConnectionHandlers } from "../../../lib/tls/raw-connection.ts";
import { dialUpgrade } from "./upgrade-relay.ts";

const heads: string[] = [];
/** A backend: /refuse answers 400 with a Status, /up a 101 and then echoes in upper case. */
const backend = Bun.listen<{ head: string; upgraded: boolean }>({
  hostname: "127.0.0.1",
  port: 0,
  socket: {
    open: (s) => {
      s.data = { head: "", upgraded: false };
    },
    data: (s, d) => {
      const text = new TextDecoder().decode(d);
      if (s.data.upgraded) {
        s.write(text.toUpperCase());
        if (text.includes("bye")) s.end();
        return;
      }
      s.data.head += text;
      if (!s.data.head.includes("\r\n\r\n")) return;
      heads.push(s.data.head);
      if (s.data.head.startsWith("POST /refuse")) {
        const body = '{"kind":"Status","code":400}';
        s.write(
          `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
        );
        return;
      }
      s.data.upgraded = true;
      s.write(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\nearly",
      );
    },
  },
});
afterAll(() => backend.stop(true));

const upgradeRequest = () =>
  new Request("https://apiserver/api/v1/namespaces/a/pods/b/exec", {
    method: "POST",
    headers: [
      ["Connection", "Upgrade"],
      ["Upgrade", "SPDY/3.1"],
      ["X-Stream-Protocol-Version", "v4.channel.k8s.io"],
      ["X-Stream-Protocol-Version", "v3.channel.k8s.io"],
      ["Authorization", "Bearer secret"],
      [
        "Sec-WebSocket-Protocol",
        "v5.channel.k8s.io, base64url.bearer.authorization.k8s.io.c2VjcmV0, v4.channel.k8s.io",
      ],
    ],
  });

async function eventually(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("the SPDY upgrade relay", () => {
  test("a refusal comes back as the backend's response; credentials (the bearer subprotocol too) are not forwarded", async () => {
    const answer = await dialUpgrade(
      `http://127.0.0.1:${backend.port}/refuse?x=1`,
      upgradeRequest(),
      undefined,
    );
    expect(answer.status).toBe(400);
    expect(answer.headers.get("content-type")).toBe("application/json");
    expect(new TextDecoder().decode(await answer.body())).toBe('{"kind":"Status","code":400}');
    const head = heads.at(-1) as string;
    expect(head).toStartWith("POST /refuse?x=1 HTTP/1.1\r\n");
    expect(head).toContain("x-stream-protocol-version: v4.channel.k8s.io, v3.channel.k8s.io\r\n");
    expect(head.toLowerCase()).not.toContain("authorization");
    expect(head).toContain("sec-websocket-protocol: v5.channel.k8s.io, v4.channel.k8s.io\r\n");
    expect(head).not.toContain("c2VjcmV0");
  });

  test("after a 101 the response head goes to the client and the bytes are spliced both ways", async () => {
    const answer = await dialUpgrade(`http://127.0.0.1:${backend.port}/up`, upgradeRequest(), undefined);
    expect(answer.status).toBe(101);
    let toClient = "";
    let ended = false;
    let handlers: RawConnectionHandlers | undefined;
    const client: RawConnection = {
      write: (b) => {
        toClient += new TextDecoder().decode(b);
      },
      end: () => {
        ended = true;
      },
      pauseReading: () => undefined,
      resumeReading: () => undefined,
      start: (h) => {
        handlers = h;
      },
    };
    answer.splice(client);
    expect(toClient).toBe(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\nearly",
    );
    handlers?.data(new TextEncoder().encode("hello "));
    await eventually("the echo", () => toClient.endsWith("HELLO "));
    handlers?.data(new TextEncoder().encode("bye"));
    await eventually("the end", () => ended);
    expect(toClient).toEndWith("HELLO BYE");
  });

  test("an unreachable backend is Go's dial error", async () => {
    const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data: () => undefined } });
    const port = probe.port;
    probe.stop(true);
    await expect(dialUpgrade(`https://127.0.0.1:${port}/x`, upgradeRequest(), undefined)).rejects.toThrow(
      `dial tcp 127.0.0.1:${port}: connect: connection refused`,
    );
  });
});
