// The TLS front over a unix-socket hop: each request names its connection in the front's header
// (certificate and takeover by connection), and a header the front did not write names nothing.
import { afterAll, describe, expect, test } from "bun:test";
import { createCertificateAuthority, issueCertificate } from "../pki/issue-certificate.ts";
import { generatePrivateKey } from "../pki/private-key.ts";
import { FRONT_CONNECTION_HEADER } from "./connection-tag.ts";
import { startTlsFront, type TlsFront } from "./tls-front.ts";

const ca = await createCertificateAuthority({ commonName: "kt-ca", key: await generatePrivateKey() });
const key = await generatePrivateKey();
const serverCert = await issueCertificate({ ca, key, commonName: "s", usage: "server", sans: ["127.0.0.1"] });
const clientCert = await issueCertificate({ ca, key, commonName: "alice", usage: "client" });

const unix = `\0kt-tls-front-unix-${crypto.randomUUID()}`;
let front: TlsFront | undefined;
const inner = Bun.serve({
  unix,
  fetch(req) {
    const id = front?.connectionOf(req);
    const leftover = req.headers.has(FRONT_CONNECTION_HEADER);
    if (req.headers.get("upgrade") === "x-echo" && id !== undefined) {
      const raw = front?.takeOverConnection(id);
      raw?.write(new TextEncoder().encode("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x-echo\r\n\r\n"));
      raw?.start({
        data: (b) => raw.write(new TextEncoder().encode(new TextDecoder().decode(b).toUpperCase())),
        close: () => undefined,
      });
      return new Response("dropped", { status: 500 });
    }
    if (req.headers.get("upgrade")) return new Response("no", { status: 426 });
    const peer = id === undefined ? undefined : front?.peerOfConnection(id);
    return Response.json({ id: id ?? null, authorized: peer?.authorized ?? null, leftover });
  },
});
front = startTlsFront({
  hostname: "127.0.0.1",
  port: 0,
  certPem: serverCert,
  keyPem: key.pem,
  clientCaPem: ca.certPem,
  target: { unix },
});
const started = front;
afterAll(async () => {
  await started.stop();
  await inner.stop(true);
});

/**
 * Writes `text` on one TLS connection (with the client certificate or not) and returns all it read
 * until close; `reply` may answer what was read so far (true: end the connection).
 */
async function converse(
  text: string,
  cert: boolean,
  reply = (_got: string): string | boolean => false,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let got = "";
    Bun.connect({
      hostname: "127.0.0.1",
      port: started.port,
      tls: { ca: ca.certPem, ...(cert ? { cert: clientCert, key: key.pem } : {}) },
      socket: {
        handshake: (s) => void s.write(text),
        data: (s, d) => {
          got += d.toString("latin1");
          const next = reply(got);
          if (next === true) s.end();
          else if (typeof next === "string") s.write(next);
        },
        close: () => resolve(got),
        error: (_s, e) => reject(e),
      },
    }).catch(reject);
  });
}

const bodies = (answer: string) =>
  [...answer.matchAll(/\r\n\r\n(\{[^}]*\})/g)].map(
    (m) => JSON.parse(m[1] as string) as Record<string, unknown>,
  );
const get = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;

describe("TLS front over a unix socket", () => {
  test("every request on a connection names it; another connection is another id", async () => {
    const a = bodies(await converse(get("/1") + get("/2") + get("/3", "Connection: close\r\n"), true));
    expect(a.map((b) => b.authorized)).toEqual([true, true, true]);
    expect(new Set(a.map((b) => b.id)).size).toBe(1);
    expect(a.every((b) => b.leftover === false)).toBe(true);
    const [b] = bodies(await converse(get("/4", "Connection: close\r\n"), true));
    expect(b?.id).not.toBe(a[0]?.id);
  });

  test("a client-written header is dropped; its forged value names nothing", async () => {
    const forged = `${FRONT_CONNECTION_HEADER}: ${"0".repeat(32)}:1\r\n`;
    const [b] = bodies(await converse(get("/", `${forged}Connection: close\r\n`), false));
    expect(b?.authorized).toBeNull();
    expect(typeof b?.id).toBe("number");
    expect(b?.leftover).toBe(false);
  });

  test("after a refused upgrade the stream is no longer framed: later requests name no connection", async () => {
    const forged = `${FRONT_CONNECTION_HEADER}: ${"0".repeat(32)}:1\r\n`;
    const answer = await converse(
      get("/up", "Upgrade: other\r\nConnection: Upgrade\r\n") +
        get("/after", `${forged}Connection: close\r\n`),
      true,
    );
    expect(answer).toContain("HTTP/1.1 426");
    const [after] = bodies(answer);
    expect(after).toEqual({ id: null, authorized: null, leftover: false });
  });

  test("a request straight to the inner socket names no connection", async () => {
    const res = await fetch("http://x/", { unix, headers: { [FRONT_CONNECTION_HEADER]: "a:1" } });
    expect(await res.json()).toEqual({ id: null, authorized: null, leftover: false });
  });

  test("an upgrade takes the connection over by its id", async () => {
    const answer = await converse(get("/echo", "Upgrade: x-echo\r\nConnection: Upgrade\r\n"), true, (got) =>
      got.includes("HELLO") ? true : got.endsWith("\r\n\r\n") ? "hello" : false,
    );
    expect(answer).toStartWith("HTTP/1.1 101");
    expect(answer).toEndWith("HELLO");
  });
});
