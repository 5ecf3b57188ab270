// streamedResponse: the same bytes whether small (one buffer), large (streamed in chunks over a
// socket, through reused buffers, to a fast and to a slow reader) or in process (one Blob).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type BodyWriter, streamedResponse } from "./streamed-body.ts";

/** Pieces of every size: text (with multi-byte characters), bytes, bytes from an offset, big ones. */
function* pieces(w: BodyWriter, count: number): Generator<void> {
  w.text("[");
  for (let i = 0; i < count; i++) {
    if (i > 0) w.text(",");
    const bytes = Buffer.from(`xx{"i":${i},"pad":"${"é".repeat(i % 300)}${"z".repeat((i * 37) % 700)}"}`);
    if (i % 3 === 0) w.text(bytes.subarray(2).toString());
    else w.bytes(bytes, 2);
    if (i % 1000 === 999) w.text(`,"${"b".repeat(300_000)}"`);
    yield;
  }
  w.text("]\n");
}

function expected(count: number): Buffer {
  const chunks: (Uint8Array | string)[] = [];
  const w: BodyWriter = {
    bytes: (b, from = 0) => chunks.push(b.subarray(from)),
    text: (t) => chunks.push(t),
  };
  for (const _ of pieces(w, count));
  return Buffer.concat(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c)));
}

let server: ReturnType<typeof Bun.serve>;
beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) => {
      const count = Number(new URL(req.url).searchParams.get("count"));
      if (count < 0) throw new Error("bad count");
      return streamedResponse((w) => pieces(w, count), { "Content-Type": "application/json" }, true);
    },
  });
});
afterAll(() => server.stop(true));

test("a small body is one buffer with a length; a large one streams the same bytes", async () => {
  for (const count of [0, 3, 200, 2500]) {
    const res = await fetch(`http://127.0.0.1:${server.port}/?count=${count}`);
    expect(res.headers.get("content-type")).toBe("application/json");
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(expected(count))).toBe(true);
    if (count <= 3) expect(res.headers.get("content-length")).toBe(String(body.length));
  }
}, 30_000);

test("streamed chunks are copied: concurrent and slow readers each get their own bytes", async () => {
  const want = expected(2500);
  const slow = Bun.spawn(
    ["curl", "-sS", "--limit-rate", "8M", `http://127.0.0.1:${server.port}/?count=2500`],
    {
      stdout: "pipe",
    },
  );
  const [a, b, c] = await Promise.all([
    new Response(slow.stdout).arrayBuffer(),
    fetch(`http://127.0.0.1:${server.port}/?count=2500`).then((r) => r.arrayBuffer()),
    fetch(`http://127.0.0.1:${server.port}/?count=2000`).then((r) => r.arrayBuffer()),
  ]);
  expect(await slow.exited).toBe(0);
  expect(Buffer.from(a).equals(want)).toBe(true);
  expect(Buffer.from(b).equals(want)).toBe(true);
  expect(Buffer.from(c).equals(expected(2000))).toBe(true);
}, 30_000);

test("a client that goes away mid-body does not stop the server", async () => {
  const abort = new AbortController();
  const res = await fetch(`http://127.0.0.1:${server.port}/?count=2500`, { signal: abort.signal });
  const reader = res.body?.getReader();
  await reader?.read();
  abort.abort();
  await reader?.cancel().catch(() => undefined);
  const again = await fetch(`http://127.0.0.1:${server.port}/?count=2500`);
  expect(Buffer.from(await again.arrayBuffer()).equals(expected(2500))).toBe(true);
}, 30_000);

test("in process the body is the same bytes, read whole or by a reader", async () => {
  for (const count of [0, 2500]) {
    const res = streamedResponse((w) => pieces(w, count), {}, false);
    expect(Buffer.from(await res.arrayBuffer()).equals(expected(count))).toBe(true);
    const chunks: Uint8Array[] = [];
    const body = streamedResponse((w) => pieces(w, count), {}, false).body;
    if (body) for await (const chunk of body) chunks.push(chunk);
    expect(Buffer.concat(chunks).equals(expected(count))).toBe(true);
  }
}, 30_000);

test("an error before the first chunk is sent is thrown to the caller", () => {
  function* failing(w: BodyWriter): Generator<void> {
    w.text("[");
    yield;
    throw new Error("boom");
  }
  expect(() => streamedResponse(failing, {}, true)).toThrow("boom");
});
