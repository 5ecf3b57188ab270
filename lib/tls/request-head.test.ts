import { describe, expect, test } from "bun:test";
import { MAX_BODY_BYTES, MAX_HEAD_BYTES, parseRequestHead } from "./request-head.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const parse = (s: string, start = 0) => parseRequestHead(bytes(s), start);

describe("parseRequestHead", () => {
  test("a GET head: method, target, headers in order, host, where the next request starts", () => {
    const text =
      "GET /api/v1/pods?limit=500 HTTP/1.1\r\nHost: 127.0.0.1:6443\r\nAccept: application/json\r\n\r\nGET /next";
    const head = parse(text);
    expect(head).toEqual({
      method: "GET",
      target: "/api/v1/pods?limit=500",
      headers: [
        ["Host", "127.0.0.1:6443"],
        ["Accept", "application/json"],
      ],
      host: "127.0.0.1:6443",
      close: false,
      end: text.indexOf("GET /next"),
      bodyLength: 0,
    });
  });

  test("a body's Content-Length, Connection: close, an offset into the buffer", () => {
    const text =
      "xxPOST /a HTTP/1.1\r\nhost: h\r\ncontent-length: 12\r\nconnection: keep-alive, Close\r\n\r\n";
    const head = parse(text, 2);
    expect(head).toMatchObject({ method: "POST", bodyLength: 12, close: true, end: text.length });
  });

  test("a head whose end has not arrived is partial, at any split", () => {
    const text = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
    for (let i = 1; i < text.length; i++) expect(parse(text.slice(0, i))).toBe("partial");
    expect(parse(text)).not.toBeString();
  });

  test("what the front leaves to the inner server's parser", () => {
    const other = [
      "OPTIONS / HTTP/1.1\r\nHost: h\r\n\r\n",
      "BREW / HTTP/1.1\r\nHost: h\r\n\r\n",
      "get / HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET / HTTP/1.0\r\nHost: h\r\n\r\n",
      "GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET / HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nHost: i\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: \r\n\r\n",
      "GET / HTTP/1.1\nHost: h\n\n",
      "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n",
      "\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET / HTTP/1.1\r\nHost : h\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX: a\u0001b\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1e3\r\n\r\n",
      `POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`,
      "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n",
      `GET / HTTP/1.1\r\nHost: h\r\nX: ${"a".repeat(MAX_HEAD_BYTES)}\r\n\r\n`,
    ];
    for (const text of other) expect([text, parse(text)]).toEqual([text, "other"]);
    // A head longer than the limit is not waited for.
    expect(parse(`GET / HTTP/1.1\r\nX: ${"a".repeat(MAX_HEAD_BYTES + 10)}`)).toBe("other");
  });
});
