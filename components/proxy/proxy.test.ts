// startProxy over a fake API (list + an open watch) and a fake data path: the first sync waits
// for the caches and makes `ready`; a failing sync is logged once, retried with back-off and never
// ends the proxy; a change syncs again; stop() cleans the data path up.

import { expect, test } from "bun:test";
import type { Service } from "kubernetes-types/core/v1";
import { ApiClient } from "../../lib/client/api-client.ts";
import type { Proxier } from "./proxier.ts";
import { startProxy } from "./proxy.ts";
import type { ServicePort } from "./service-ports.ts";

const web: Service = {
  metadata: { name: "web", namespace: "default", resourceVersion: "1" },
  spec: { clusterIP: "10.96.0.9", ports: [{ port: 80 }] },
};

/** Lists `web` under services, nothing else; watches stay open until aborted, fed by `push`. */
function fakeApi() {
  const watchers = new Map<string, ReadableStreamDefaultController<Uint8Array>>();
  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const isServices = url.pathname === "/api/v1/services";
    if (url.searchParams.get("watch") !== "true") {
      const items = isServices ? [web] : [];
      return Response.json({ metadata: { resourceVersion: "1" }, items });
    }
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        watchers.set(url.pathname, controller);
        request.signal.addEventListener("abort", () => {
          try {
            controller.close();
          } catch {
            // already closed
          }
        });
      },
    });
    return new Response(body);
  };
  const push = (path: string, event: unknown) =>
    watchers.get(path)?.enqueue(new TextEncoder().encode(`${JSON.stringify(event)}\n`));
  return { client: new ApiClient({ server: "http://fake.invalid", fetch }), push };
}

test("ready after the first good sync; failures logged once and retried; changes resync; stop cleans up", async () => {
  const { client, push } = fakeApi();
  const synced: ServicePort[][] = [];
  let failures = 2;
  let cleaned = 0;
  const proxier: Proxier = {
    mode: "nftables",
    describe: "fake",
    async sync(ports) {
      if (failures-- > 0) throw new Error("nft: Error: Could not process rule\nsecond line");
      synced.push([...ports]);
    },
    async cleanup() {
      cleaned++;
    },
  };
  const lines: string[] = [];
  const proxy = await startProxy({
    client,
    nodeName: "n1",
    mode: "auto",
    proxier,
    log: (l) => lines.push(l),
  });
  expect(proxy.mode).toBe("nftables");
  await proxy.ready;
  expect(synced[0]?.map((p) => p.id)).toEqual(["default/web/tcp/80"]);
  expect(lines.filter((l) => l.startsWith("sync failed"))).toEqual([
    "sync failed (retrying in 500 ms): nft: Error: Could not process rule",
  ]);
  expect(lines).toContain("sync recovered after: nft: Error: Could not process rule");

  push("/api/v1/services", {
    type: "ADDED",
    object: { ...web, metadata: { ...web.metadata, name: "api", resourceVersion: "2" } },
  });
  const deadline = Date.now() + 5000;
  while (synced.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  expect(synced.at(-1)?.map((p) => p.id)).toEqual(["default/api/tcp/80", "default/web/tcp/80"]);

  await proxy.stop();
  await proxy.done;
  expect(cleaned).toBe(1);
});
