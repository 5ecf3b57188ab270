// services/proxy through the apiserver: a request for `<svc>[:<port>]/proxy/<path>` reaches one
// endpoint of the named or numbered service port (upstream's service ResourceLocation), and a
// service without endpoints answers 503 naming it.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { ApiClient } from "../../lib/client/api-client.ts";
import { startTestApiserver, type TestApiserver } from "../harness/apiserver.ts";

let api: TestApiserver;
let client: ApiClient;
let backend: ReturnType<typeof Bun.serve>;

beforeAll(async () => {
  api = await startTestApiserver();
  client = new ApiClient({ server: api.url });
  backend = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) => new Response(`backend saw ${new URL(req.url).pathname}${new URL(req.url).search}`),
  });
  await client.create("/api/v1/namespaces/default/services", {
    metadata: { name: "web" },
    spec: {
      ports: [
        { name: "http", port: 80, targetPort: 8080 },
        { name: "metrics", port: 9090 },
      ],
    },
  });
  await client.create("/api/v1/namespaces/default/endpoints", {
    metadata: { name: "web" },
    subsets: [
      { addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "http", port: backend.port as number }] },
      { addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "metrics", port: 1 }] },
    ],
  });
  await client.create("/api/v1/namespaces/default/services", {
    metadata: { name: "empty" },
    spec: { ports: [{ port: 80 }] },
  });
});

afterAll(async () => {
  backend.stop(true);
  await api.stop();
});

const get = (path: string) => fetch(`${api.url}/api/v1/namespaces/default/services/${path}`);

test("a named port, a port number and the path and query reach the endpoint", async () => {
  for (const name of ["web:http", "http:web:http", "web:80"]) {
    const response = await get(`${name}/proxy/some/page?x=1`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("backend saw /some/page?x=1");
  }
});

test("a service without endpoints is 503 naming it; an unknown service 404", async () => {
  const none = await get("empty/proxy/");
  expect(none.status).toBe(503);
  expect(((await none.json()) as { message: string }).message).toBe(
    'no endpoints available for service "empty"',
  );
  expect((await get("nope:80/proxy/")).status).toBe(404);
});
