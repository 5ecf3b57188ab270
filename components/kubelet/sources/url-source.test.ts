// --manifest-url: pods read from a URL, polled; a failure keeps the last good pods and is logged once.
import { afterAll, expect, test } from "bun:test";
import type { Pod } from "kubernetes-types/core/v1";
import { pollManifestUrl } from "./url-source.ts";

let body =
  "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: c, image: hello}]\n";
let status = 200;
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(body, { status }) });
afterAll(() => server.stop(true));

async function until<T>(fn: () => T | undefined): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("timed out");
}

test("reads pods from the URL, follows changes, keeps the last pods on errors", async () => {
  let pods: Pod[] = [];
  const logs: string[] = [];
  const source = pollManifestUrl({
    url: `http://127.0.0.1:${server.port}/manifest`,
    nodeName: "n1",
    intervalMs: 20,
    onPods: (p) => {
      pods = p;
    },
    log: (line) => logs.push(line),
  });
  try {
    await source.synced;
    expect(pods.map((p) => p.metadata?.name)).toEqual(["web-n1"]);
    expect(pods[0]?.metadata?.annotations?.["kubernetes.io/config.source"]).toBe("http");
    body = body.replace("web", "api");
    await until(() => (pods[0]?.metadata?.name === "api-n1" ? true : undefined));
    status = 500;
    await until(() =>
      logs.some((l) => l.includes("HTTP 500; keeping the last pods read")) ? true : undefined,
    );
    expect(pods.map((p) => p.metadata?.name)).toEqual(["api-n1"]);
    expect(logs.filter((l) => l.includes("HTTP 500")).length).toBe(1);
  } finally {
    source.stop();
  }
});
