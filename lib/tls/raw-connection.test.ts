import { afterAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { createCertificateAuthority, issueCertificate } from "../pki/issue-certificate.ts";
import { generatePrivateKey } from "../pki/private-key.ts";
import { startTlsFront, type TlsFront } from "./tls-front.ts";

const ca = await createCertificateAuthority({ commonName: "kt-ca", key: await generatePrivateKey() });
const serverKey = await generatePrivateKey();
const serverCert = await issueCertificate({
  ca,
  key: serverKey,
  commonName: "s",
  usage: "server",
  sans: ["127.0.0.1"],
});

/**
 * An inner server whose `Upgrade: x-echo` requests are taken over: the handler writes its own
 * 101 and answers every later byte in upper case; everything else is ordinary HTTP.
 */
function innerServer(front: () => TlsFront | undefined): Server<undefined> {
  return Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req, srv) {
      if (req.headers.get("upgrade") !== "x-echo") return new Response(`plain ${new URL(req.url).pathname}`);
      const port = srv.requestIP(req)?.port;
      const raw = port === undefined ? undefined : front()?.takeOver(port);
      if (!raw) return new Response("no front", { status: 400 });
      raw.write(new TextEncoder().encode("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x-echo\r\n\r\n"));
      raw.start({
        data: (b) => {
          const text = new TextDecoder().decode(b);
          raw.write(new TextEncoder().encode(text.toUpperCase()));
          if (text.includes("bye")) raw.end();
        },
        close: () => undefined,
      });
      // Dropped by the front: the connection is the handler's now.
      return new Response("must not be seen", { status: 500 });
    },
  });
}

const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function exchange(front: TlsFront, tls: boolean): Promise<string> {
  let got = "";
  let closed = false;
  let handshook = !tls;
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port: front.port,
    ...(tls ? { tls: { ca: ca.certPem } } : {}),
    socket: {
      handshake: () => {
        handshook = true;
      },
      data: (_s, d) => {
        got += new TextDecoder().decode(d);
      },
      close: () => {
        closed = true;
      },
    },
  });
  const wait = async (check: () => boolean) => {
    const deadline = Date.now() + 3000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(got)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  await wait(() => handshook);
  // An ordinary request first on the same connection, then the upgrade.
  socket.write("GET /first HTTP/1.1\r\nHost: x\r\n\r\n");
  await wait(() => got.includes("plain /first"));
  socket.write(
    "POST /up HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: x-echo\r\nContent-Length: 0\r\n\r\n",
  );
  await wait(() => got.includes("\r\n\r\n", got.indexOf("101")) && got.includes("101"));
  socket.write("hello ");
  await wait(() => got.endsWith("HELLO "));
  socket.write("bye");
  await wait(() => closed);
  return got;
}

describe("the front hands a connection over (upgrades Bun.serve cannot do)", () => {
  for (const tls of [false, true]) {
    test(tls ? "TLS front" : "plain front", async () => {
      let front: TlsFront | undefined;
      const inner = innerServer(() => front);
      front = startTlsFront({
        hostname: "127.0.0.1",
        port: 0,
        ...(tls ? { certPem: serverCert, keyPem: serverKey.pem } : {}),
        target: { hostname: "127.0.0.1", port: inner.port as number },
      });
      const started = front;
      cleanups.push(
        () => started.stop(),
        () => inner.stop(true),
      );
      const got = await exchange(started, tls);
      expect(got).toContain("plain /first");
      expect(got).toContain("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x-echo\r\n\r\nHELLO BYE");
      expect(got).not.toContain("must not be seen");
      expect(started.takeOver(1)).toBeUndefined();
    });
  }
});
