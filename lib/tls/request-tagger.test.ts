// The request-boundary framing the TLS front tags requests with: heads, bodies, pipelining,
// client-sent copies of the tag header, and streams it refuses to frame.
import { describe, expect, test } from "bun:test";
import { RequestTagger } from "./request-tagger.ts";

const NAME = "x-kube-front-connection";
const LINE = `${NAME}: s:7\r\n`;
const tagger = () => new RequestTagger(NAME, Buffer.from(LINE, "latin1"));
const enc = (s: string) => Buffer.from(s, "latin1");

/** Feeds `input` in pieces of `size` bytes (0: whole) and returns what came out. */
function run(input: string, size = 0, t = tagger()): string {
  const bytes = enc(input);
  const step = size === 0 ? bytes.length : size;
  let out = "";
  for (let i = 0; i < bytes.length; i += step) {
    out += Buffer.from(t.feed(bytes.subarray(i, i + step))).toString("latin1");
  }
  return out;
}

const GET = "GET /api/v1/pods HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n";
const TAGGED_GET = `GET /api/v1/pods HTTP/1.1\r\n${LINE}Host: h\r\nAccept: */*\r\n\r\n`;

describe("RequestTagger", () => {
  test("puts the tag after the request line, whole or byte by byte", () => {
    expect(run(GET)).toBe(TAGGED_GET);
    expect(run(GET, 1)).toBe(TAGGED_GET);
    expect(run(GET, 7)).toBe(TAGGED_GET);
  });

  test("pipelined requests are each tagged", () => {
    expect(run(GET + GET + GET)).toBe(TAGGED_GET + TAGGED_GET + TAGGED_GET);
    expect(run(GET + GET, 5)).toBe(TAGGED_GET + TAGGED_GET);
  });

  test("a Content-Length body passes untouched, even when it looks like a request", () => {
    const body = `GET /x HTTP/1.1\r\n${NAME}: forged:1\r\n\r\n`;
    const post = `POST /api/v1/pods HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const tagged = `POST /api/v1/pods HTTP/1.1\r\n${LINE}Content-Length: ${body.length}\r\n\r\n${body}`;
    for (const size of [0, 1, 3, 64]) expect(run(post + GET, size)).toBe(tagged + TAGGED_GET);
  });

  test("a chunked body (extensions, trailers) passes untouched; the next request is tagged", () => {
    const body = "5;ext=1\r\nhello\r\n1B\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n\r\n0\r\nTrailer: t\r\n\r\n";
    const post = `PUT /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n${body}`;
    const tagged = `PUT /a HTTP/1.1\r\n${LINE}Transfer-Encoding: chunked\r\n\r\n${body}`;
    for (const size of [0, 1, 2, 9]) expect(run(post + GET, size)).toBe(tagged + TAGGED_GET);
  });

  test("a client-sent copy of the header is dropped, whatever its case", () => {
    const forged = `GET / HTTP/1.1\r\nHost: h\r\n${NAME}: forged:1\r\nX-Kube-Front-Connection: forged:2\r\nA: b\r\n\r\n`;
    expect(run(forged)).toBe(`GET / HTTP/1.1\r\n${LINE}Host: h\r\nA: b\r\n\r\n`);
    expect(run(forged, 3)).toBe(`GET / HTTP/1.1\r\n${LINE}Host: h\r\nA: b\r\n\r\n`);
  });

  test("empty lines before a request pass on", () => {
    expect(run(`\r\n${GET}`)).toBe(`\r\n${TAGGED_GET}`);
  });

  test("after an upgrade request the stream is passed on raw (its later bytes are not requests)", () => {
    const t = tagger();
    const up = "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
    expect(run(up, 0, t)).toBe(
      `GET /ws HTTP/1.1\r\n${LINE}Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
    );
    expect(t.raw).toBe(true);
    expect(run(GET, 0, t)).toBe(GET);
  });

  test("streams it cannot frame go raw and untagged (the inner server refuses them)", () => {
    for (const head of [
      "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
    ]) {
      const t = tagger();
      expect(run(head + GET, 0, t)).toBe(head + GET);
      expect(t.raw).toBe(true);
    }
    const t = tagger();
    expect(run("GET / HTTP/1.1\nHost: h\n\n", 0, t)).toBe("GET / HTTP/1.1\nHost: h\n\n");
    expect(t.raw).toBe(true);
    const bad = tagger();
    expect(run(`PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n${GET}`, 0, bad)).toBe(
      `PUT / HTTP/1.1\r\n${LINE}Transfer-Encoding: chunked\r\n\r\nzz\r\n${GET}`,
    );
    expect(bad.raw).toBe(true);
  });

  test("a head that never ends is held up to 64 KiB, then passed on raw", () => {
    const t = tagger();
    expect(t.feed(enc("GET / HTTP/1.1\r\nA: b\r\n")).length).toBe(0);
    const filler = enc(`X: ${"y".repeat(70 * 1024)}\r\n`);
    const out = t.feed(filler);
    expect(t.raw).toBe(true);
    expect(out.length).toBe("GET / HTTP/1.1\r\nA: b\r\n".length + filler.length);
  });
});
