// A 429 with Retry-After is sent again, as client-go does (maxRetries 10); without the header,
// or after the tenth retry, the caller gets the 429.
import { expect, test } from "bun:test";
import { ApiClient, isStatus } from "./api-client.ts";

function client(answers: Array<() => Response>): { client: ApiClient; sent: string[] } {
  const sent: string[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    sent.push(`${request.method} ${await request.text()}`);
    // The last answer repeats.
    const next = answers.length > 1 ? answers.shift() : answers[0];
    return next ? next() : Response.json({});
  };
  return { client: new ApiClient({ server: "http://api.invalid", fetch }), sent };
}

const tooMany = (retryAfter?: string) => () =>
  new Response("Too many requests, please try again later.\n", {
    status: 429,
    headers: retryAfter === undefined ? {} : { "Retry-After": retryAfter },
  });

test("a write answered 429 with Retry-After is sent again, body and all, until it succeeds", async () => {
  const { client: c, sent } = client([tooMany("0"), tooMany("0"), () => Response.json({ ok: true })]);
  expect(await c.create<{ ok: boolean }>("/api/v1/namespaces/a/events", { reason: "Started" })).toEqual({
    ok: true,
  });
  expect(sent).toEqual(Array(3).fill('POST {"reason":"Started"}'));
});

test("without Retry-After, or with a bad one, the 429 reaches the caller at once", async () => {
  for (const header of [undefined, "soon", "-1", ""]) {
    const { client: c, sent } = client([tooMany(header), () => Response.json({})]);
    const error = await c.get("/api").catch((e: unknown) => e);
    expect(isStatus(error, 429)).toBe(true);
    expect(sent).toHaveLength(1);
  }
});

test("after 10 retries the 429 reaches the caller", async () => {
  const { client: c, sent } = client([tooMany("0")]);
  const error = await c.get("/api").catch((e: unknown) => e);
  expect(isStatus(error, 429)).toBe(true);
  expect(sent).toHaveLength(11);
});
