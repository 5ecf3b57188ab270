import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { connect as tlsConnect } from "node:tls";
import type { Socket } from "bun";
import { until } from "../../test/harness/until.ts";
import { createCertificateAuthority, issueCertificate } from "../pki/issue-certificate.ts";
import { certificatesFromPem } from "../pki/pem.ts";
import { generatePrivateKey } from "../pki/private-key.ts";
import { startTlsFront, type TlsFront, type TlsPeer } from "./tls-front.ts";

const ca = await createCertificateAuthority({ commonName: "kt-ca", key: await generatePrivateKey() });
const foreign = await createCertificateAuthority({ commonName: "kt-ca", key: await generatePrivateKey() });
const serverKey = await generatePrivateKey();
const serverCert = await issueCertificate({
  ca,
  key: serverKey,
  commonName: "s",
  usage: "server",
  sans: ["127.0.0.1"],
});
const clientKey = await generatePrivateKey();
const clientCert = await issueCertificate({ ca, key: clientKey, commonName: "alice", usage: "client" });
const strangerCert = await issueCertificate({
  ca: foreign,
  key: clientKey,
  commonName: "eve",
  usage: "client",
});

const BIG = new Uint8Array(10 * 1024 * 1024).map((_, i) => (i * 7919) % 251);
const sha = (b: Uint8Array | ArrayBuffer) => createHash("sha256").update(new Uint8Array(b)).digest("hex");

let front: TlsFront;
/** The open /stream response's controls. */
const stream: { push?: (s: string) => void; close?: () => void } = {};
const inner = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  idleTimeout: 0,
  async fetch(req, srv) {
    const path = new URL(req.url).pathname;
    if (path === "/peer") {
      const port = srv.requestIP(req)?.port ?? -1;
      const peer: TlsPeer | undefined = front.peerOf(port);
      return Response.json(peer ? { ...peer, chain: peer.chain.map((c) => sha(c)) } : null);
    }
    if (path === "/big") return new Response(BIG);
    if (path === "/upload") return new Response(sha(await req.arrayBuffer()));
    if (path === "/stream") {
      const body = new ReadableStream<string>({
        start(controller) {
          stream.push = (s) => controller.enqueue(s);
          stream.close = () => controller.close();
        },
      });
      return new Response(body);
    }
    return new Response("not found", { status: 404 });
  },
});
front = startTlsFront({
  hostname: "127.0.0.1",
  port: 0,
  certPem: serverCert,
  keyPem: serverKey.pem,
  clientCaPem: ca.certPem,
  target: { hostname: "127.0.0.1", port: inner.port ?? 0 },
});
afterAll(async () => {
  await front.stop();
  await inner.stop(true);
});

const url = (path: string) => `https://127.0.0.1:${front.port}${path}`;
const withCert = (cert: string) => ({ tls: { ca: ca.certPem, cert, key: clientKey.pem } });

describe("TLS front", () => {
  test("a client certificate from the CA is authorized, with its DER", async () => {
    const res = await fetch(url("/peer"), withCert(clientCert));
    const peer = (await res.json()) as { chain: string[]; authorized: boolean };
    expect(peer).toEqual({
      chain: [sha(certificatesFromPem(clientCert)[0] as Uint8Array)],
      authorized: true,
    });
  });

  test("a certificate from another CA is seen but not authorized, with OpenSSL's reason", async () => {
    const res = await fetch(url("/peer"), withCert(strangerCert));
    const peer = (await res.json()) as TlsPeer;
    expect(peer.authorized).toBe(false);
    expect(peer.authorizationError).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    expect(peer.chain.length).toBe(1);
  });

  test("no certificate, no peer", async () => {
    const res = await fetch(url("/peer"), { tls: { ca: ca.certPem } });
    expect(await res.json()).toBeNull();
  });

  test("the inner port reached directly has no peer", async () => {
    const res = await fetch(`http://127.0.0.1:${inner.port}/peer`);
    expect(await res.json()).toBeNull();
  });

  test("10 MB each way pass intact", async () => {
    const down = await fetch(url("/big"), withCert(clientCert));
    expect(sha(await down.arrayBuffer())).toBe(sha(BIG));
    const up = await fetch(url("/upload"), { ...withCert(clientCert), method: "POST", body: BIG });
    expect(await up.text()).toBe(sha(BIG));
  });

  test("a chunked stream flows as it is written, not when it ends", async () => {
    const pending = fetch(url("/stream"), withCert(clientCert));
    await until("the stream handler", () => stream.push);
    // Bun sends the headers with the first chunk.
    stream.push?.("zero");
    const res = await pending;
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    for (const word of ["zero", "one", "two", "three"]) {
      if (word !== "zero") stream.push?.(word);
      let got = "";
      while (got.length < word.length) {
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended early");
        got += decoder.decode(value);
      }
      expect(got).toBe(word);
    }
    stream.close?.();
    expect((await reader.read()).done).toBe(true);
  });

  test("ALPN offers only http/1.1", async () => {
    const alpn = await new Promise<string | false>((resolve, reject) => {
      const s = tlsConnect(
        { host: "127.0.0.1", port: front.port, ca: ca.certPem, ALPNProtocols: ["h2", "http/1.1"] },
        () => {
          resolve(s.alpnProtocol ?? false);
          s.end();
        },
      );
      s.on("error", reject);
    });
    expect(alpn).toBe("http/1.1");
  });
});

/** Writes `request` on a fresh connection to the front and reads until the server closes. */
async function rawExchange(port: number, tls: boolean, request: string[]): Promise<string> {
  let got = "";
  const closed = Promise.withResolvers<void>();
  const opened = Promise.withResolvers<Socket<undefined>>();
  await Bun.connect({
    hostname: "127.0.0.1",
    port,
    ...(tls ? { tls: { ca: ca.certPem } } : {}),
    socket: {
      open: (s) => {
        if (!tls) opened.resolve(s);
      },
      // Only for TLS: with a handshake handler a plain socket's data never arrives (Bun 1.4.5).
      ...(tls
        ? {
            handshake: (s: Socket<undefined>, ok: boolean, err: Error | null) =>
              ok ? opened.resolve(s) : opened.reject(err),
          }
        : {}),
      data: (_s, d) => {
        got += d.toString();
      },
      close: () => closed.resolve(),
    },
  });
  const socket = await opened.promise;
  // Each part separately: a method split across packets must still be recognised.
  for (const part of request) {
    socket.write(part);
    socket.flush();
    await Bun.sleep(5);
  }
  await Promise.race([closed.promise, Bun.sleep(5000)]);
  socket.end();
  return got;
}

describe("requests Bun's parser does not know", () => {
  const expected405 =
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server does not allow this method on the requested resource","reason":"MethodNotAllowed","details":{},"code":405}\n';

  for (const tls of [true, false]) {
    test(`an unknown method is upstream's 405 Status, then the connection closes (${tls ? "TLS" : "plain"})`, async () => {
      const f = tls
        ? front
        : startTlsFront({
            hostname: "127.0.0.1",
            port: 0,
            target: { hostname: "127.0.0.1", port: inner.port ?? 0 },
          });
      try {
        for (const request of [
          ["FOO /api/v1/pods HTTP/1.1\r\nHost: x\r\n\r\n"],
          ["F", "OO / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"],
          ["get /peer HTTP/1.1\r\nHost: x\r\n\r\n"],
        ]) {
          const reply = await rawExchange(f.port, tls, request);
          expect(reply).toStartWith("HTTP/1.1 405 Method Not Allowed\r\n");
          expect(reply).toContain("\r\nContent-Type: application/json\r\n");
          expect(reply).toContain("\r\nConnection: close\r\n");
          expect(reply.slice(reply.indexOf("\r\n\r\n") + 4)).toBe(expected405);
        }
        // Known methods, split anywhere, reach the inner server; garbage is still its to refuse.
        expect(
          await rawExchange(f.port, tls, [
            "GE",
            "T /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
          ]),
        ).toStartWith("HTTP/1.1 404 ");
        expect(await rawExchange(f.port, tls, ["G(T / HTTP/1.1\r\n\r\n"])).not.toContain("405");
      } finally {
        if (!tls) await f.stop();
      }
    });
  }
});

describe("TLS front connection lifetime", () => {
  test("closing either side closes the other, and the peer is forgotten", async () => {
    const events: string[] = [];
    let innerSocket: Socket<undefined> | undefined;
    const raw = Bun.listen({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        open: (s) => {
          innerSocket = s;
          events.push("inner-open");
        },
        data: (s, d) => {
          s.write(d);
        },
        close: () => {
          events.push("inner-close");
        },
      },
    });
    const f = startTlsFront({
      hostname: "127.0.0.1",
      port: 0,
      certPem: serverCert,
      keyPem: serverKey.pem,
      clientCaPem: ca.certPem,
      target: { hostname: "127.0.0.1", port: raw.port },
    });
    try {
      // Resolves once the handshake is done: a Bun TLS client's write before that is lost.
      const open = (onData: (d: string) => void, onClose: () => void) =>
        new Promise<Socket<undefined>>((resolve, reject) => {
          Bun.connect({
            hostname: "127.0.0.1",
            port: f.port,
            tls: { ca: ca.certPem, cert: clientCert, key: clientKey.pem },
            socket: {
              handshake: (s, ok, err) => (ok ? resolve(s) : reject(err)),
              data: (_s, d) => onData(d.toString()),
              close: onClose,
            },
          }).catch(reject);
        });
      // 1: the client closes; the inner connection closes.
      let echoed = "";
      const client = await open(
        (d) => (echoed += d),
        () => undefined,
      );
      client.write("GET /ping");
      await until("echo", () => (echoed === "GET /ping" ? true : undefined));
      const port = innerSocket?.remotePort ?? -1;
      expect(f.peerOf(port)?.authorized).toBe(true);
      client.end();
      await until("inner close", () => (events.includes("inner-close") ? true : undefined));
      await until("front forgets the connection", () => (f.connections === 0 ? true : undefined));
      expect(f.peerOf(port)).toBeUndefined();

      // 2: the inner server closes; the client sees its connection close.
      let clientClosed = false;
      const second = await open(
        () => undefined,
        () => (clientClosed = true),
      );
      second.write("GET /x");
      await until("second inner open", () =>
        events.filter((e) => e === "inner-open").length === 2 ? true : undefined,
      );
      innerSocket?.end();
      await until("client close", () => (clientClosed ? true : undefined));
      await until("front forgets the second connection", () => (f.connections === 0 ? true : undefined));
    } finally {
      await f.stop();
      raw.stop(true);
    }
  });

  test("a connection that never finishes its handshake is closed", async () => {
    const f = startTlsFront({
      hostname: "127.0.0.1",
      port: 0,
      certPem: serverCert,
      keyPem: serverKey.pem,
      target: { hostname: "127.0.0.1", port: inner.port ?? 0 },
      handshakeTimeoutMs: 200,
    });
    try {
      let closed = false;
      await Bun.connect({
        hostname: "127.0.0.1",
        port: f.port,
        socket: {
          data: () => undefined,
          close: () => {
            closed = true;
          },
        },
      });
      await until("the silent connection is closed", () => (closed ? true : undefined), { timeoutMs: 5000 });
      expect(f.connections).toBe(0);
    } finally {
      await f.stop();
    }
  });
});
