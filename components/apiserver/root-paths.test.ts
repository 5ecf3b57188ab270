import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RESOURCES } from "../../lib/api/resources.ts";
import { startTestApiserver, type TestApiserver } from "../../test/harness/apiserver.ts";
import { rootPaths } from "./root-paths.ts";

describe("GET / (RootPaths)", () => {
  let server: TestApiserver;
  beforeAll(async () => {
    server = await startTestApiserver();
  });
  afterAll(async () => {
    await server?.stop();
  });

  test("lists every API path, sorted byte-wise, as upstream's indented RootPaths", async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    const text = await res.text();
    expect(
      text.startsWith('{\n  "paths": [\n    "/api",\n    "/api/v1",\n    "/apis",\n    "/apis/",\n'),
    ).toBe(true);
    const { paths } = JSON.parse(text) as { paths: string[] };
    expect(paths).toEqual([...paths].sort());
    for (const want of [
      "/apis/apps",
      "/apis/apps/v1",
      "/apis/autoscaling/v1",
      "/apis/autoscaling/v2",
      "/healthz",
      "/livez",
      "/readyz",
      "/metrics",
      "/openapi/v2",
      "/openapi/v3",
      "/version",
    ]) {
      expect(paths).toContain(want);
    }
  });

  test("every listed path answers 200", async () => {
    for (const path of rootPaths(RESOURCES)) {
      const res = await fetch(`${server.url}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      await res.arrayBuffer();
    }
  });

  test("/version is written as WriteRawJSON writes it too: indented, no trailing newline", async () => {
    const text = await (await fetch(`${server.url}/version`)).text();
    expect(text).toStartWith('{\n  "major": "1",\n  "minor": "');
    expect(text).toEndWith("\n}");
  });

  test("a path that is not listed is still 404", async () => {
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });
});
