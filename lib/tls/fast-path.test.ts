import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import { until } from "../../test/harness/until.ts";
import { createCertificateAuthority, issueCertificate } from "../pki/issue-certificate.ts";
import { generatePrivateKey } from "../pki/private-key.ts";
import { startTlsFront, type TlsPeer } from "./tls-front.ts";

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

const BIG = new Uint8Array(8 * 1024 * 1024).map((_, i) => (i * 7919) % 251);
const sha = (b: Uint8Array | ArrayBuffer) => createHash("sha256").update(new Uint8Array(b)).digest("hex");

/** The open /stream response's controls and what its consumer saw. */
const stream: { push?: (s: string) => void; close?: () => void; cancelled?: boolean; aborted?: boolean } = {};
/** Requests the inner server (the hop) answered. */
const viaInner: string[] = [];
const inner = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  idleTimeout: 0,
  async fetch(req) {
    const path = new URL(req.url).pathname;
    viaInner.push(`${req.method} ${path}`);
    return new Response(`inner ${req.method} ${path} ${sha(await req.arrayBuffer())}`);
  },
});
const front = startTlsFront({
  hostname: "127.0.0.1",
  port: 0,
  certPem: serverCert,
  keyPem: serverKey.pem,
  clientCaPem: ca.certPem,
  target: { hostname: "127.0.0.1", port: inner.port ?? 0 },
  handler: {
    bodyTimeoutMs: 300,
    bodyTimeout: () => new Response("body timeout", { status: 504 }),
    error: (err) =>
      new Response(`failed: ${err instanceof Error ? err.message : String(err)}`, { status: 500 }),
    whole: (_method, target) => target === "/whole",
    async fetch(req, connection) {
      const url = new URL(req.url);
      switch (url.pathname) {
        case "/peer": {
          const peer: TlsPeer | undefined = connection.peer;
          return Response.json(peer ? { ...peer, chain: peer.chain.map((c) => sha(c)) } : null);
        }
        case "/slow":
          await Bun.sleep(Number(url.searchParams.get("ms") ?? "50"));
          return new Response(`slow ${url.search}`);
        case "/echo":
          return new Response(`${req.method} ${sha(await req.arrayBuffer())}`, { headers: { "x-kt": "1" } });
        case "/big":
        case "/whole":
          return new Response(BIG);
        case "/throw":
          throw new Error("boom");
        case "/stream": {
          req.signal.addEventListener("abort", () => {
            stream.aborted = true;
          });
          const body = new ReadableStream<string>({
            start(controller) {
              stream.push = (s) => controller.enqueue(s);
              stream.close = () => controller.close();
            },
            cancel() {
              stream.cancelled = true;
            },
          });
          return new Response(body, { headers: { "content-type": "application/json" } });
        }
        case "/empty":
          return new Response(null, { status: 204 });
      }
      return new Response("not found", { status: 404 });
    },
  },
});
afterAll(async () => {
  await front.stop();
  await inner.stop(true);
});

const url = (path: string) => `https://127.0.0.1:${front.port}${path}`;
const withCert = (cert: string) => ({ tls: { ca: ca.certPem, cert, key: clientKey.pem } });

/** A raw TLS connection with the client certificate, collecting what the front sends. */
async function raw(): Promise<{ socket: TLSSocket; text: () => string; closed: () => boolean }> {
  let received = "";
  let closed = false;
  const socket = tlsConnect({
    host: "127.0.0.1",
    port: front.port,
    ca: ca.certPem,
    cert: clientCert,
    key: clientKey.pem,
  });
  socket.on("data", (d: Buffer) => {
    received += d.toString("latin1");
  });
  socket.on("close", () => {
    closed = true;
  });
  socket.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once("secureConnect", () => resolve());
    socket.once("error", reject);
  });
  return { socket, text: () => received, closed: () => closed };
}

/** Waits (polling) until `cond` holds; fails naming it. */
const waitFor = (cond: () => boolean) =>
  until(String(cond), () => (cond() ? true : undefined), { timeoutMs: 4000, intervalMs: 5 });

const responses = (text: string) => text.split(/(?=HTTP\/1\.1 \d{3})/).filter((r) => r !== "");

describe("the front's fast path", () => {
  test("the handler sees the connection's certificate, or none, or a foreign one unauthorized", async () => {
    const mine = (await (await fetch(url("/peer"), withCert(clientCert))).json()) as TlsPeer | null;
    expect(mine?.authorized).toBe(true);
    expect(mine?.chain.length).toBe(1);
    const none = await (await fetch(url("/peer"), { tls: { ca: ca.certPem } })).json();
    expect(none).toBeNull();
    const stranger = (await (await fetch(url("/peer"), withCert(strangerCert))).json()) as TlsPeer | null;
    expect(stranger?.authorized).toBe(false);
    expect(stranger?.authorizationError).toBeString();
    expect(viaInner).toEqual([]);
  });

  test("pipelined requests are answered in order, the later ones waiting for a slow one", async () => {
    const c = await raw();
    c.socket.write(
      "GET /slow?ms=80 HTTP/1.1\r\nHost: x\r\n\r\n" +
        "GET /slow?ms=0 HTTP/1.1\r\nHost: x\r\n\r\n" +
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
        "HEAD /big HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    await waitFor(() => responses(c.text()).length === 4 && c.text().endsWith("\r\n\r\n"));
    const [a, b, post, head] = responses(c.text()) as [string, string, string, string];
    expect(a).toEndWith("slow ?ms=80");
    expect(a).toContain("Content-Length: 11\r\n");
    expect(a).toMatch(/\r\nDate: \w{3}, \d{2} \w{3} \d{4} /);
    expect(b).toEndWith("slow ?ms=0");
    expect(post).toContain("X-Kt: 1\r\n");
    expect(post).toEndWith(`POST ${sha(new TextEncoder().encode("hello"))}`);
    // HEAD: the body's length, no body (its stream is cancelled).
    expect(head).toContain("Transfer-Encoding: chunked\r\n");
    expect(head).toEndWith("\r\n\r\n");
    c.socket.destroy();
  });

  test("HEAD of a finite body says its length and sends none; 204 has no length", async () => {
    const c = await raw();
    c.socket.write("HEAD /whole HTTP/1.1\r\nHost: x\r\n\r\nGET /empty HTTP/1.1\r\nHost: x\r\n\r\n");
    await waitFor(() => responses(c.text()).length === 2);
    const [head, empty] = responses(c.text()) as [string, string];
    expect(head).toContain(`Content-Length: ${BIG.length}\r\n`);
    expect(head).toEndWith("\r\n\r\n");
    expect(empty).toStartWith("HTTP/1.1 204 No Content\r\n");
    expect(empty).not.toContain("Content-Length");
    c.socket.destroy();
  });

  test("a watch-like stream sends its head at once, each event as it comes, and ends cleanly", async () => {
    stream.cancelled = false;
    const res = await fetch(url("/stream"), withCert(clientCert));
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    stream.push?.('{"type":"ADDED"}\n');
    expect(decoder.decode((await reader.read()).value)).toBe('{"type":"ADDED"}\n');
    stream.push?.('{"type":"MODIFIED"}\n');
    expect(decoder.decode((await reader.read()).value)).toBe('{"type":"MODIFIED"}\n');
    stream.close?.();
    expect((await reader.read()).done).toBe(true);
    expect(stream.cancelled).toBe(false);
    // The connection stays usable after the stream's last chunk.
    expect(await (await fetch(url("/slow?ms=0"), withCert(clientCert))).text()).toBe("slow ?ms=0");
  });

  test("a client that goes away mid-stream aborts the request's signal and cancels the body", async () => {
    stream.cancelled = false;
    stream.aborted = false;
    const c = await raw();
    c.socket.write("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    await waitFor(() => c.text().includes("Transfer-Encoding: chunked"));
    stream.push?.("event-1\n");
    await waitFor(() => c.text().includes("event-1"));
    c.socket.destroy();
    await waitFor(() => stream.aborted === true);
    stream.push?.("event-2\n");
    await waitFor(() => stream.cancelled === true);
  });

  test("8 MiB bodies reach a client that reads slowly, streamed and whole, intact", async () => {
    for (const path of ["/big", "/whole"]) {
      const res = await fetch(url(path), withCert(clientCert));
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const parts: Uint8Array[] = [];
      for (let i = 0; ; i++) {
        const next = await reader.read();
        if (next.done) break;
        parts.push(next.value);
        if (i % 8 === 0) await Bun.sleep(1);
      }
      expect(sha(Buffer.concat(parts))).toBe(sha(BIG));
      expect(res.headers.get("content-length")).toBe(path === "/whole" ? String(BIG.length) : null);
    }
  });

  test("a body that arrives in pieces is read whole; one that stops is answered by the timeout", async () => {
    const c = await raw();
    c.socket.write("PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nab");
    await Bun.sleep(20);
    c.socket.write("cd");
    await Bun.sleep(20);
    c.socket.write("ef");
    await waitFor(() => c.text().includes("PUT "));
    expect(c.text()).toEndWith(`PUT ${sha(new TextEncoder().encode("abcdef"))}`);
    c.socket.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
    await waitFor(() => c.closed());
    const last = responses(c.text()).at(-1) ?? "";
    expect(last).toStartWith("HTTP/1.1 504 ");
    expect(last).toContain("Connection: close\r\n");
    expect(last).toEndWith("body timeout");
  });

  test("what is not for the fast path goes to the inner server for the rest of the connection", async () => {
    viaInner.length = 0;
    const c = await raw();
    c.socket.write(
      "GET /slow?ms=0 HTTP/1.1\r\nHost: x\r\n\r\n" +
        "POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" +
        "GET /after HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    await waitFor(() => responses(c.text()).length === 3);
    const [first, chunked, after] = responses(c.text()) as [string, string, string];
    expect(first).toEndWith("slow ?ms=0");
    expect(chunked).toEndWith(`inner POST /chunked ${sha(new TextEncoder().encode("abc"))}`);
    expect(after).toContain("inner GET /after");
    expect(viaInner).toEqual(["POST /chunked", "GET /after"]);
    c.socket.destroy();
  });

  test("upgrades, other methods and malformed heads are the inner server's", async () => {
    viaInner.length = 0;
    const upgrade = await raw();
    upgrade.socket.write("GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
    await waitFor(() => upgrade.text().includes("inner GET /ws"));
    upgrade.socket.destroy();
    const options = await raw();
    options.socket.write("OPTIONS /o HTTP/1.1\r\nHost: x\r\n\r\n");
    await waitFor(() => options.text().includes("inner OPTIONS /o"));
    options.socket.destroy();
    const bareLf = await raw();
    bareLf.socket.write("GET /lf HTTP/1.1\nHost: x\n\n");
    await waitFor(() => bareLf.text().length > 0 || bareLf.closed());
    bareLf.socket.destroy();
    const noHost = await raw();
    noHost.socket.write("GET /nohost HTTP/1.1\r\n\r\n");
    await waitFor(() => noHost.text().length > 0 || noHost.closed());
    expect(noHost.text()).toStartWith("HTTP/1.1 400");
    noHost.socket.destroy();
    expect(viaInner.slice(0, 2)).toEqual(["GET /ws", "OPTIONS /o"]);
  });

  test("Connection: close ends the connection after its response; a throwing handler gets the error answer", async () => {
    const c = await raw();
    c.socket.write(
      "GET /throw HTTP/1.1\r\nHost: x\r\n\r\nGET /slow?ms=0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    await waitFor(() => c.closed());
    const [failed, closing] = responses(c.text()) as [string, string];
    expect(failed).toStartWith("HTTP/1.1 500 ");
    expect(failed).toEndWith("failed: boom");
    expect(closing).toContain("Connection: close\r\n");
    expect(closing).toEndWith("slow ?ms=0");
  });
});
