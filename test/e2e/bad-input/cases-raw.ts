// What only a raw socket sends: a bad Host, HTTP/1.0 without Host, broken %-escapes, declared
// and streamed bodies past the 3 MiB limit, and bodies trickled slower than the request timeout.
// Upstream (Go net/http and the apiserver's limits) answers 400, 413 and 504.
import { type BadInputCase, NS, raw } from "./bad-input-case.ts";

const CMS = `${NS}/configmaps`;
const MiB = 1024 * 1024;

const head = (method: string, path: string, headers: string[] = []) =>
  `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers.map((h) => `${h}\r\n`).join("")}\r\n`;

/** `total` bytes of a JSON ConfigMap body in 64 KiB chunked-encoding pieces. */
async function* chunkedBody(total: number): AsyncIterable<string> {
  const piece = "x".repeat(64 * 1024);
  const start = '{"metadata":{"name":"big"},"data":{"a":"';
  yield `${start.length.toString(16)}\r\n${start}\r\n`;
  for (let sent = 0; sent < total; sent += piece.length) yield `${piece.length.toString(16)}\r\n${piece}\r\n`;
  yield "0\r\n\r\n";
}

/** A few bytes, then nothing for longer than the request timeout. */
function trickle(first: string, stallMs: number): () => AsyncIterable<string> {
  return async function* () {
    yield first;
    await Bun.sleep(stallMs);
  };
}

const badHost = (name: string, host: string): BadInputCase => ({
  name,
  send: (t) => raw(t.api, { head: `GET ${CMS} HTTP/1.1\r\nHost: ${host}\r\n\r\n` }),
  code: 400,
  reason: "BadRequest",
});

export function rawCases(requestTimeoutMs: number): BadInputCase[] {
  const stall = requestTimeoutMs + 3000;
  const tooLarge = {
    code: 413,
    reason: "RequestEntityTooLarge",
    message: "Request entity too large: limit is 3145728",
  };
  const timeout = {
    code: 504,
    reason: "Timeout",
    message: "Timeout: request did not complete within requested timeout - context deadline exceeded",
  };
  return [
    badHost("a Host with a space", "a b"),
    badHost("a Host with a bad IPv6 literal", "[::zz"),
    badHost("a Host with port 99999", "example:99999"),
    badHost("a Host of non-ASCII bytes", "\u00ff\u00fe"),
    {
      name: "HTTP/1.0 without Host",
      send: (t) => raw(t.api, { head: `GET ${CMS} HTTP/1.0\r\n\r\n` }),
      code: 400,
      reason: "BadRequest",
    },
    {
      name: "a malformed %-escape in the path",
      send: (t) => raw(t.api, { head: head("GET", `${NS}/configmaps/%zz`) }),
      code: 400,
      reason: "BadRequest",
      message: 'invalid URL escape "%zz"',
    },
    {
      name: "a truncated %-escape in the namespace",
      send: (t) => raw(t.api, { head: head("GET", "/api/v1/namespaces/de%2/configmaps") }),
      code: 400,
      reason: "BadRequest",
    },
    {
      name: "a %-escape of invalid UTF-8",
      send: (t) => raw(t.api, { head: head("GET", `${NS}/configmaps/%e0%80`) }),
      code: 400,
      reason: "BadRequest",
    },
    {
      name: "a declared Content-Length of 4 MiB",
      send: (t) =>
        raw(t.api, {
          head: head("POST", CMS, ["Content-Type: application/json", `Content-Length: ${4 * MiB}`]),
        }),
      ...tooLarge,
    },
    {
      name: "a 3.5 MiB body",
      heavy: true,
      send: (t) =>
        raw(t.api, {
          head: head("POST", CMS, ["Content-Type: application/json", `Content-Length: ${3.5 * MiB}`]),
          chunks: async function* () {
            yield "x".repeat(3.5 * MiB);
          },
        }),
      ...tooLarge,
    },
    {
      name: "a chunked body of 40 MiB, cut at the limit",
      heavy: true,
      send: (t) =>
        raw(t.api, {
          head: head("POST", CMS, ["Content-Type: application/json", "Transfer-Encoding: chunked"]),
          chunks: () => chunkedBody(40 * MiB),
        }),
      ...tooLarge,
    },
    ...[1, 2, 3, 4].map(
      (i): BadInputCase => ({
        name: `concurrent chunked upload ${i} of 4 (60 MiB each)`,
        heavy: true,
        send: (t) =>
          raw(t.api, {
            head: head("PUT", `${CMS}/keep`, [
              "Content-Type: application/json",
              "Transfer-Encoding: chunked",
            ]),
            chunks: () => chunkedBody(60 * MiB),
          }),
        ...tooLarge,
      }),
    ),
    {
      name: "a chunked patch past the limit",
      heavy: true,
      send: (t) =>
        raw(t.api, {
          head: head("PATCH", `${CMS}/keep`, [
            "Content-Type: application/merge-patch+json",
            "Transfer-Encoding: chunked",
          ]),
          chunks: () => chunkedBody(8 * MiB),
        }),
      ...tooLarge,
    },
    {
      name: "a body that stops after 10 of 100 bytes",
      send: (t) =>
        raw(t.api, {
          head: head("POST", CMS, ["Content-Type: application/json", "Content-Length: 100"]),
          chunks: trickle('{"metadata', stall),
          timeoutMs: stall + 2000,
        }),
      ...timeout,
    },
    {
      name: "a chunked body that stalls",
      send: (t) =>
        raw(t.api, {
          head: head("POST", CMS, ["Content-Type: application/json", "Transfer-Encoding: chunked"]),
          chunks: trickle('5\r\n{"met\r\n', stall),
          timeoutMs: stall + 2000,
        }),
      ...timeout,
    },
    {
      name: "an apply body that stalls",
      send: (t) =>
        raw(t.api, {
          head: head("PATCH", `${CMS}/keep?fieldManager=t`, [
            "Content-Type: application/apply-patch+yaml",
            "Content-Length: 500",
          ]),
          chunks: trickle("apiVersion: v1\n", stall),
          timeoutMs: stall + 2000,
        }),
      ...timeout,
    },
    {
      name: "200 connections trickling bodies at once",
      heavy: true,
      send: async (t) => {
        const all = await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            raw(t.api, {
              head: head("POST", CMS, ["Content-Type: application/json", "Content-Length: 1000"]),
              chunks: trickle(`{"metadata":{"name":"slow-${i}"`, stall),
              timeoutMs: stall + 4000,
            }),
          ),
        );
        const odd = all.find((o) => o.status !== 504);
        return odd ?? (all[0] as (typeof all)[number]);
      },
      ...timeout,
    },
  ];
}
