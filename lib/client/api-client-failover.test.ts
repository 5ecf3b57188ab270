// The client's failover between the apiservers of one cluster: a refused connection moves any
// request on to the next server, a connection that breaks later moves only reads.
import { afterEach, expect, test } from "bun:test";
import { ApiClient } from "./api-client.ts";

const servers: Array<{ stop(force: boolean): void }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.stop(true);
});

function serve(name: string) {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) => Response.json({ served: name, method: req.method }),
  });
  servers.push(server);
  return `http://127.0.0.1:${server.port}`;
}

/** A port nothing listens on: a server started and stopped. */
function closedPort(): string {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
  const url = `http://127.0.0.1:${server.port}`;
  server.stop(true);
  return url;
}

test("a refused connection moves reads and writes to the next server, and the client stays there", async () => {
  const down = closedPort();
  const b = serve("b");
  const client = new ApiClient({ server: down, failover: [b] });
  expect(client.server).toBe(down);
  expect(await client.create<{ served: string; method: string }>("/api/v1/namespaces", {})).toEqual({
    served: "b",
    method: "POST",
  });
  expect(client.server).toBe(b);
  expect((await client.get<{ served: string }>("/api")).served).toBe("b");
});

test("when every server is down the last error is thrown", async () => {
  const client = new ApiClient({ server: closedPort(), failover: [closedPort()] });
  await expect(client.get("/api")).rejects.toMatchObject({ code: "ECONNREFUSED" });
});

test("a write whose connection broke after it was sent is not retried elsewhere", async () => {
  const b = serve("b");
  let calls = 0;
  const client = new ApiClient({
    server: "http://first.invalid",
    failover: [b],
    fetch: (request) => {
      calls++;
      if (request.url.startsWith("http://first.invalid"))
        return Promise.reject(Object.assign(new Error("socket closed"), { code: "ECONNRESET" }));
      return fetch(request);
    },
  });
  await expect(client.create("/api/v1/namespaces", {})).rejects.toMatchObject({ code: "ECONNRESET" });
  expect(calls).toBe(1);
  // A read after the same failure does move on.
  expect((await client.get<{ served: string }>("/api")).served).toBe("b");
  expect(calls).toBe(3);
});

test("one server: errors pass through untouched", async () => {
  const client = new ApiClient({ server: closedPort() });
  await expect(client.get("/api")).rejects.toMatchObject({ code: "ECONNREFUSED" });
  expect(client.servers).toHaveLength(1);
});
