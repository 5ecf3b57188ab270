import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { connect as tlsConnect } from "node:tls";
import { until } from "../../test/harness/until.ts";
import { createCertificateAuthority, issueCertificate } from "../pki/issue-certificate.ts";
import { certificatesFromPem } from "../pki/pem.ts";
import { generatePrivateKey } from "../pki/private-key.ts";
import type { TlsPeer } from "./tls-front.ts";
import { startTlsFrontInWorker, type ThreadTlsFront } from "./tls-front-thread.ts";

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
const key = await generatePrivateKey();
const certOf = async (commonName: string, by = ca) =>
  issueCertificate({ ca: by, key, commonName, usage: "client" });
const alice = await certOf("alice");
const bob = await certOf("bob");
const eve = await certOf("eve", foreign);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const derSha = (pem: string) => sha(certificatesFromPem(pem)[0] as Uint8Array);

let front: ThreadTlsFront | undefined;
/** Streams held open until stop (watch-like). */
const openStreams: Array<ReadableStreamDefaultController<string>> = [];
const inner = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  idleTimeout: 0,
  async fetch(req, srv) {
    const path = new URL(req.url).pathname;
    const port = srv.requestIP(req)?.port ?? -1;
    if (path === "/peer") {
      const peer: TlsPeer | undefined = front?.peerOf(port);
      // Asynchronous, as the apiserver's chain is (a timer here stalls Bun.serve's pipelining: a Bun bug).
      await Promise.resolve();
      return Response.json(peer ? { ...peer, chain: peer.chain.map(sha) } : null);
    }
    if (path === "/stream") {
      const body = new ReadableStream<string>({
        start(controller) {
          openStreams.push(controller);
          controller.enqueue("open\n");
        },
      });
      return new Response(body);
    }
    if (req.headers.get("upgrade") === "x-echo") {
      const raw = front?.takeOver(port);
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
      return new Response("must not be seen", { status: 500 });
    }
    return new Response("not found", { status: 404 });
  },
});

const start = () =>
  startTlsFrontInWorker({
    hostname: "127.0.0.1",
    port: 0,
    certPem: serverCert,
    keyPem: serverKey.pem,
    clientCaPem: ca.certPem,
    target: { hostname: "127.0.0.1", port: inner.port as number },
  });
front = await start();

afterAll(async () => {
  await front?.stop();
  await inner.stop(true);
});

const tlsFor = (cert?: string) => ({ ca: ca.certPem, ...(cert ? { cert, key: key.pem } : {}) });
const url = (path: string) => `https://127.0.0.1:${front?.port}${path}`;
type PeerAnswer = { chain: string[]; authorized: boolean; authorizationError?: string } | null;
const peerOver = async (cert?: string) =>
  (await (await fetch(url("/peer"), { tls: tlsFor(cert) })).json()) as PeerAnswer;

/** One TLS connection, `n` GETs written at once; the answers in order. */
async function pipelined(cert: string, n: number): Promise<PeerAnswer[]> {
  const socket = tlsConnect({ host: "127.0.0.1", port: front?.port ?? 0, ...tlsFor(cert), servername: "" });
  let got = "";
  socket.on("data", (d: Buffer) => {
    got += d.toString();
  });
  await new Promise<void>((resolve, reject) => socket.once("secureConnect", resolve).once("error", reject));
  socket.write("GET /peer HTTP/1.1\r\nHost: x\r\n\r\n".repeat(n));
  try {
    return await until(`${n} pipelined answers`, () => {
      const bodies = got.split("HTTP/1.1 200 OK").slice(1);
      if (bodies.length < n || !bodies.every((b) => b.trimEnd().endsWith("}"))) return undefined;
      return bodies.map((b) => JSON.parse(b.slice(b.indexOf("\r\n\r\n") + 4)) as PeerAnswer);
    });
  } finally {
    socket.destroy();
  }
}

describe("TLS front on a Worker: identities from the shared table", () => {
  test("a certificate from the CA is authorized with its DER; a foreign one is not; none is none", async () => {
    expect(await peerOver(alice)).toEqual({ chain: [derSha(alice)], authorized: true });
    const stranger = await peerOver(eve);
    expect(stranger?.authorized).toBe(false);
    expect(stranger?.chain).toEqual([derSha(eve)]);
    expect(stranger?.authorizationError).toMatch(/^[A-Z_]+$/);
    expect(await peerOver()).toBeNull();
  });

  test("two clients with different certificates, concurrent and pipelined, each get their own", async () => {
    const [a, b] = await Promise.all([
      Promise.all([
        pipelined(alice, 8),
        pipelined(alice, 8),
        ...Array.from({ length: 10 }, () => peerOver(alice)),
      ]),
      Promise.all([pipelined(bob, 8), pipelined(bob, 8), ...Array.from({ length: 10 }, () => peerOver(bob))]),
    ]);
    const chains = (xs: Array<PeerAnswer | PeerAnswer[]>) => xs.flat().map((p) => p?.chain[0]);
    expect(new Set(chains(a))).toEqual(new Set([derSha(alice)]));
    expect(new Set(chains(b))).toEqual(new Set([derSha(bob)]));
    expect(chains(a).length).toBe(26);
  });

  test("the inner port reached directly has no peer", async () => {
    expect(await (await fetch(`http://127.0.0.1:${inner.port}/peer`)).json()).toBeNull();
  });
});

describe("TLS front on a Worker: connections", () => {
  test("an upgrade is taken over through the Worker, both ways, after a request on the same connection", async () => {
    const socket = tlsConnect({
      host: "127.0.0.1",
      port: front?.port ?? 0,
      ...tlsFor(alice),
      servername: "",
    });
    let got = "";
    let closed = false;
    socket.on("data", (d: Buffer) => {
      got += d.toString();
    });
    socket.on("close", () => {
      closed = true;
    });
    await new Promise<void>((resolve) => socket.once("secureConnect", resolve));
    socket.write("GET /peer HTTP/1.1\r\nHost: x\r\n\r\n");
    await until("the first answer", () => (got.includes("authorized") ? true : undefined));
    socket.write(
      "POST /up HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: x-echo\r\nContent-Length: 0\r\n\r\n",
    );
    await until("the 101", () =>
      got.includes("101 Switching Protocols\r\nUpgrade: x-echo\r\n\r\n") ? true : undefined,
    );
    socket.write("hello ");
    await until("the echo", () => (got.endsWith("HELLO ") ? true : undefined));
    socket.write("bye");
    await until("the close", () => (closed ? true : undefined));
    expect(got).toEndWith("\r\n\r\nHELLO BYE");
    expect(got).not.toContain("must not be seen");
    expect(front?.takeOver(1)).toBeUndefined();
  });

  test("a failed handshake closes that connection only", async () => {
    const bad = await Bun.connect({
      hostname: "127.0.0.1",
      port: front?.port ?? 0,
      socket: { data: () => undefined },
    });
    let closed = false;
    const garbage = await Bun.connect({
      hostname: "127.0.0.1",
      port: front?.port ?? 0,
      socket: {
        data: () => undefined,
        close: () => {
          closed = true;
        },
      },
    });
    garbage.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    await until("the plain-text client closed", () => (closed ? true : undefined));
    bad.end();
    expect((await peerOver(bob))?.chain).toEqual([derSha(bob)]);
  });

  test("the Worker dying is replaced on the same port", async () => {
    const f = front as ThreadTlsFront;
    const port = f.port;
    f.kill();
    await until("a new Worker", () => (f.restarts === 1 ? true : undefined));
    const answer = await until("an answer after the restart", () => peerOver(alice).catch(() => undefined));
    expect(answer?.chain).toEqual([derSha(alice)]);
    expect(f.port).toBe(port);
  });

  test("stop() closes open watches and the port", async () => {
    const f = await start();
    const bodies = await Promise.all(
      [1, 2, 3].map(async () => {
        const res = await fetch(`https://127.0.0.1:${f.port}/stream`, { tls: tlsFor(alice) });
        const reader = (res.body as ReadableStream<Uint8Array>).getReader();
        await reader.read();
        return reader;
      }),
    );
    await until("3 connections", () => (f.connections >= 3 ? true : undefined));
    await f.stop();
    const ends = await Promise.all(
      bodies.map((r) =>
        r.read().then(
          (x) => x.done,
          () => true,
        ),
      ),
    );
    expect(ends).toEqual([true, true, true]);
    await expect(fetch(`https://127.0.0.1:${f.port}/peer`, { tls: tlsFor(alice) })).rejects.toThrow();
  });

  test("a port in use fails the start, loudly", async () => {
    await expect(
      startTlsFrontInWorker({
        hostname: "127.0.0.1",
        port: front?.port ?? 0,
        certPem: serverCert,
        keyPem: serverKey.pem,
        target: { hostname: "127.0.0.1", port: inner.port as number },
      }),
    ).rejects.toThrow();
  });
});
