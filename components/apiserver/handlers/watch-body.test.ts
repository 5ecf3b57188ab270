// The direct body of a cache-fed watch: what was written before the first read arrives in
// order, close() ends the stream, and a reader that never reads is cut off past the backlog.
import { expect, test } from "bun:test";
import { WatchBody } from "./watch-body.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

test("writes before and after the first read arrive in order, then close ends the body", async () => {
  let ended = 0;
  const body = new WatchBody(() => ended++);
  body.write(bytes("a\n"));
  const text = new Response(body.stream).text();
  body.write(bytes("b\n"));
  await Bun.sleep(0);
  body.write(bytes("c\n"));
  body.close();
  body.write(bytes("ignored\n"));
  expect(await text).toBe("\na\nb\nc\n");
  expect(ended).toBe(0);
});

test("a body nobody reads is cut off once more than 1024 chunks wait, and says so once", () => {
  let ended = 0;
  const body = new WatchBody(() => ended++);
  // The opening newline and 1023 events: 1024 chunks wait.
  for (let i = 0; i < 1023; i++) body.write(bytes(`${i}\n`));
  expect(ended).toBe(0);
  body.write(bytes("one too many\n"));
  body.write(bytes("and another\n"));
  expect(ended).toBe(1);
});

test("a reader that cancels ends the watch", async () => {
  let ended = 0;
  const body = new WatchBody(() => ended++);
  const reader = body.stream.getReader();
  await reader.read();
  await reader.cancel();
  expect(ended).toBe(1);
});
