// apiObjects against a scripted API: ConfigMaps and Secrets read on demand (absent: undefined),
// Services listed once and then watched, and upstream's error while they were never read.

import { afterEach, describe, expect, test } from "bun:test";
import { ApiClient } from "../../../lib/client/api-client.ts";
import { apiObjects } from "./api-objects.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Answers GETs from `objects` by path (404 otherwise), or LISTs with `heldList`; a watch streams nothing until aborted. */
function scriptedApi(objects: Record<string, unknown>, options: { heldList?: Promise<Response> } = {}) {
  const requests: string[] = [];
  const client = new ApiClient({
    server: "http://kt-fake",
    fetch: async (request) => {
      const url = new URL(request.url);
      requests.push(`${url.pathname}${url.searchParams.get("watch") === "true" ? "?watch" : ""}`);
      if (url.searchParams.get("watch") === "true") {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            request.signal.addEventListener("abort", () => controller.error(new Error("aborted")));
          },
        });
        return new Response(body, { status: 200 });
      }
      if (options.heldList) return options.heldList;
      const object = objects[url.pathname];
      if (object === undefined)
        return Response.json(
          { kind: "Status", code: 404, reason: "NotFound", message: "not found" },
          { status: 404 },
        );
      return Response.json(object);
    },
  });
  return { client, requests };
}

describe("apiObjects", () => {
  test("ConfigMaps and Secrets are read when asked for; a missing one is undefined", async () => {
    const api = scriptedApi({
      "/api/v1/namespaces/ns/configmaps/cm": {
        kind: "ConfigMap",
        metadata: { name: "cm" },
        data: { a: "1" },
      },
      "/api/v1/namespaces/ns/secrets/s": { kind: "Secret", metadata: { name: "s" }, data: { b: "Mg==" } },
    });
    const { objects, stop } = apiObjects(api.client, () => {});
    cleanups.push(stop);
    expect((await objects.configMap("ns", "cm"))?.data).toEqual({ a: "1" });
    expect((await objects.secret("ns", "s"))?.data).toEqual({ b: "Mg==" });
    expect(await objects.configMap("ns", "missing")).toBeUndefined();
    expect(await objects.secret("other", "s")).toBeUndefined();
    expect(api.requests).not.toContain("/api/v1/services");
  });

  test("pods asking for one object at once share one GET (each its own copy); a later ask reads again", async () => {
    const api = scriptedApi({
      "/api/v1/namespaces/ns/configmaps/ca": {
        kind: "ConfigMap",
        metadata: { name: "ca" },
        data: { c: "x" },
      },
    });
    const { objects, stop } = apiObjects(api.client, () => {});
    cleanups.push(stop);
    const answers = await Promise.all(Array.from({ length: 20 }, () => objects.configMap("ns", "ca")));
    expect(answers.map((a) => a?.data)).toEqual(Array.from({ length: 20 }, () => ({ c: "x" })));
    expect(api.requests.filter((r) => r.endsWith("/configmaps/ca"))).toHaveLength(1);
    // Copies: one pod changing its object does not change another's.
    (answers[0]?.data as Record<string, string>).c = "changed";
    expect(answers[1]?.data).toEqual({ c: "x" });
    // Missing objects are shared too (undefined), and nothing is cached once answered.
    await Promise.all([objects.secret("ns", "nope"), objects.secret("ns", "nope")]);
    expect(api.requests.filter((r) => r.endsWith("/secrets/nope"))).toHaveLength(1);
    await objects.configMap("ns", "ca");
    expect(api.requests.filter((r) => r.endsWith("/configmaps/ca"))).toHaveLength(2);
  });

  test("Services are listed on first use, then served from the watch cache", async () => {
    const api = scriptedApi({
      "/api/v1/services": {
        kind: "ServiceList",
        metadata: { resourceVersion: "5" },
        items: [{ metadata: { name: "kubernetes", namespace: "default" }, spec: { clusterIP: "10.0.0.1" } }],
      },
    });
    const { objects, stop } = apiObjects(api.client, () => {});
    cleanups.push(stop);
    const first = await objects.services();
    expect(first.map((s) => s.metadata?.name)).toEqual(["kubernetes"]);
    expect((await objects.services()).map((s) => s.spec?.clusterIP)).toEqual(["10.0.0.1"]);
    expect(api.requests.filter((r) => r === "/api/v1/services")).toHaveLength(1);
  });

  test("Services never read: upstream's error, so the container start is retried", async () => {
    // The LIST answers only after the wait gave up (then the informer can stop).
    const held = Promise.withResolvers<Response>();
    const api = scriptedApi({}, { heldList: held.promise });
    const { objects, stop } = apiObjects(api.client, () => {}, 20);
    cleanups.push(async () => {
      held.resolve(Response.json({ kind: "ServiceList", metadata: { resourceVersion: "1" }, items: [] }));
      await stop();
    });
    await expect(objects.services()).rejects.toThrow(
      "services have not yet been read at least once, cannot construct envvars",
    );
  });

  test("static pods do not wait: whatever is known now (nothing before the API answers)", async () => {
    const held = Promise.withResolvers<Response>();
    const api = scriptedApi({}, { heldList: held.promise });
    const { objects, stop } = apiObjects(api.client, () => {}, 60_000);
    cleanups.push(async () => {
      held.resolve(Response.json({ kind: "ServiceList", metadata: { resourceVersion: "1" }, items: [] }));
      await stop();
    });
    const started = Date.now();
    expect(await objects.services({ waitForSync: false })).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test("stop() ends a wait for the first list at once, and later calls refuse", async () => {
    const held = Promise.withResolvers<Response>();
    const api = scriptedApi({}, { heldList: held.promise });
    const { objects, stop } = apiObjects(api.client, () => {}, 60_000);
    const waiting = objects.services();
    const stopped = (async () => {
      await Bun.sleep(5);
      const done = stop();
      held.resolve(Response.json({ kind: "ServiceList", metadata: { resourceVersion: "1" }, items: [] }));
      await done;
    })();
    await expect(waiting).rejects.toThrow("services have not yet been read at least once");
    await stopped;
    await expect(objects.services()).rejects.toThrow("the kubelet is stopping");
  });
});
