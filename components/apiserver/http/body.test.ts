import { expect, test } from "bun:test";
import { StatusError } from "../../../lib/errors/status-error.ts";
import { contextOf } from "../filters/request-context.ts";
import { MAX_BODY_BYTES, parseJson, readBody } from "./body.ts";

function streamed(chunks: Uint8Array[], stallAfter = Number.POSITIVE_INFINITY): Request {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent >= stallAfter) return new Promise(() => undefined);
      const next = chunks[sent++];
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
  return new Request("http://x/api/v1/namespaces/default/configmaps", {
    method: "POST",
    body,
    duplex: "half",
  } as RequestInit);
}

async function failure(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    return err as StatusError;
  }
  throw new Error("no error");
}

test("a streamed body is read whole below the limit", async () => {
  const body = await readBody(streamed([new TextEncoder().encode('{"a":'), new TextEncoder().encode("1}")]));
  expect(parseJson(body)).toEqual({ a: 1 });
});

test("a streamed body past 3 MiB is cut with 413 as soon as it passes the limit", async () => {
  const piece = new Uint8Array(1024 * 1024);
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(piece);
    },
  });
  const req = new Request("http://x/", { method: "POST", body, duplex: "half" } as RequestInit);
  const err = await failure(readBody(req));
  expect(err.status).toMatchObject({
    code: 413,
    reason: "RequestEntityTooLarge",
    message: `Request entity too large: limit is ${MAX_BODY_BYTES}`,
  });
  expect(pulled).toBeLessThan(8);
});

test("a declared Content-Length past the limit is refused before reading", async () => {
  const req = new Request("http://x/", {
    method: "POST",
    body: "{}",
    headers: { "Content-Length": String(4 * 1024 * 1024) },
  });
  expect((await failure(readBody(req))).code).toBe(413);
});

test("a body that stalls ends with upstream's 504 at the request timeout", async () => {
  const req = streamed([new TextEncoder().encode('{"meta')], 1);
  contextOf(req).requestTimeoutMs = 50;
  const t0 = performance.now();
  const err = await failure(readBody(req));
  expect(err.status).toMatchObject({
    code: 504,
    reason: "Timeout",
    message: "Timeout: request did not complete within requested timeout - context deadline exceeded",
  });
  expect(performance.now() - t0).toBeLessThan(2000);
});

test("a body with a declared length is read whole, and ends with 504 when it stalls", async () => {
  const text = '{"a":1}';
  const whole = new Request("http://x/", { method: "POST", body: text, headers: { "Content-Length": "7" } });
  expect(parseJson(await readBody(whole))).toEqual({ a: 1 });
  const stalled = new Request("http://x/", {
    method: "POST",
    body: new ReadableStream<Uint8Array>({ pull: () => new Promise(() => undefined) }),
    headers: { "Content-Length": "100" },
    duplex: "half",
  } as RequestInit);
  contextOf(stalled).requestTimeoutMs = 50;
  expect((await failure(readBody(stalled))).code).toBe(504);
});

test("a byte-order mark is refused as Go's decoder refuses it", () => {
  expect(() => parseJson(new TextEncoder().encode('\ufeff{"a":1}'))).toThrow(StatusError);
});
