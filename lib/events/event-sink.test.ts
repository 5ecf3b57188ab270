// The event sink: one write in flight, a bounded queue that drops, no retry of what the API refused,
// retries of what never reached it, and repeats as count patches through the recorder.

import { describe, expect, test } from "bun:test";
import { ApiClient } from "../client/api-client.ts";
import { createEventRecorder } from "./event-recorder.ts";
import { EventSink } from "./event-sink.ts";

interface Seen {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

/** A fake apiserver whose answers the test releases one by one. */
function fakeApi(answer: (seen: Seen) => Response | Error = () => Response.json({}, { status: 201 })) {
  const seen: Seen[] = [];
  const held: Array<() => void> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const client = new ApiClient({
    server: "http://api.test",
    fetch: async (request) => {
      const entry = {
        method: request.method,
        path: new URL(request.url).pathname,
        body: (await request.json()) as Record<string, unknown>,
      };
      seen.push(entry);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((resolve) => held.push(resolve));
      inFlight--;
      const result = answer(entry);
      if (result instanceof Error) throw result;
      return result;
    },
  });
  /** Answers the next request once it arrived (false when none came). */
  const release = async (): Promise<boolean> => {
    for (let i = 0; i < 100 && held.length === 0; i++) await Bun.sleep(i < 10 ? 0 : 1);
    const next = held.shift();
    next?.();
    return next !== undefined;
  };
  return { client, seen, release, maxInFlight: () => maxInFlight };
}

const event = (name: string) => ({
  namespace: "default",
  reason: "Started",
  create: { metadata: { name, namespace: "default" } },
});

describe("EventSink", () => {
  test("writes one event at a time, in order, and idle() resolves when all were sent", async () => {
    const api = fakeApi();
    const sink = new EventSink({ client: api.client });
    for (let i = 0; i < 5; i++) sink.write(event(`e${i}`));
    const idle = sink.idle();
    while (await api.release());
    await idle;
    expect(api.seen.map((s) => (s.body.metadata as { name: string }).name)).toEqual([
      "e0",
      "e1",
      "e2",
      "e3",
      "e4",
    ]);
    expect(api.maxInFlight()).toBe(1);
  });

  test("concurrency N keeps N writes in flight (the scheduler's sink) and sends them all", async () => {
    const api = fakeApi();
    const sink = new EventSink({ client: api.client, concurrency: 3 });
    for (let i = 0; i < 7; i++) sink.write(event(`e${i}`));
    const idle = sink.idle();
    for (let i = 0; i < 100 && api.seen.length < 3; i++) await Bun.sleep(1);
    expect(api.seen.length).toBe(3);
    while (await api.release());
    await idle;
    expect(api.seen.map((s) => (s.body.metadata as { name: string }).name).sort()).toEqual(
      Array.from({ length: 7 }, (_, i) => `e${i}`),
    );
    expect(api.maxInFlight()).toBe(3);
  });

  test("a full queue drops the newest and says so", async () => {
    const api = fakeApi();
    const lines: string[] = [];
    const sink = new EventSink({ client: api.client, maxQueued: 2, log: (l) => lines.push(l) });
    for (let i = 0; i < 5; i++) sink.write(event(`e${i}`));
    // e0 is in flight, e1 and e2 queued, e3 and e4 dropped.
    while (await api.release());
    await sink.idle();
    expect(api.seen.map((s) => (s.body.metadata as { name: string }).name)).toEqual(["e0", "e1", "e2"]);
    expect(lines).toEqual(["event Started dropped: 2 events queued (1 dropped)"]);
  });

  test("what the API refused is not retried; what never reached it is, then given up after 12 tries", async () => {
    let calls = 0;
    const api = fakeApi(() => {
      calls++;
      return calls === 1
        ? Response.json(
            { kind: "Status", code: 422, reason: "Invalid", message: "bad event" },
            { status: 422 },
          )
        : new Error("connection reset");
    });
    const lines: string[] = [];
    const sink = new EventSink({ client: api.client, retryMs: 0, log: (l) => lines.push(l) });
    sink.write(event("refused"));
    sink.write(event("unreachable"));
    while (await api.release());
    await sink.idle();
    expect(calls).toBe(13);
    expect(lines).toEqual([
      "event Started not recorded: bad event",
      "event Started not recorded: connection reset",
    ]);
  });

  test("stop drops what is queued", async () => {
    const api = fakeApi();
    const sink = new EventSink({ client: api.client });
    sink.write(event("a"));
    sink.write(event("b"));
    sink.stop();
    sink.write(event("c"));
    while (await api.release());
    await sink.idle();
    expect(api.seen).toHaveLength(1);
  });
});

describe("createEventRecorder", () => {
  test("a repeat patches count and lastTimestamp of the first; the field path is part of the key", async () => {
    const api = fakeApi();
    const sink = new EventSink({ client: api.client });
    let t = Date.parse("2026-01-01T00:00:00Z");
    const recorder = createEventRecorder({
      client: api.client,
      component: "kubelet",
      host: "node-1",
      sink,
      now: () => new Date(t),
    });
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "ns", uid: "u1" } };
    recorder.event(pod, "Warning", "BackOff", "Back-off", "spec.containers{a}");
    t += 5000;
    recorder.event(pod, "Warning", "BackOff", "Back-off", "spec.containers{a}");
    recorder.event(pod, "Warning", "BackOff", "Back-off", "spec.containers{b}");
    while (await api.release());
    await sink.idle();
    const firstName = (api.seen[0]?.body.metadata as { name?: string } | undefined)?.name;
    expect(api.seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      "POST /api/v1/namespaces/ns/events",
      `PATCH /api/v1/namespaces/ns/events/${firstName}`,
      "POST /api/v1/namespaces/ns/events",
    ]);
    const first = api.seen[0]?.body as Record<string, unknown>;
    expect(first.involvedObject).toEqual({
      apiVersion: "v1",
      kind: "Pod",
      name: "web",
      namespace: "ns",
      uid: "u1",
      fieldPath: "spec.containers{a}",
    });
    expect(first.source).toEqual({ component: "kubelet", host: "node-1" });
    expect(first.reportingInstance).toBe("node-1");
    expect(api.seen[1]?.body).toEqual({ count: 2, lastTimestamp: "2026-01-01T00:00:05Z" });
  });
});
