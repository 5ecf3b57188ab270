import { describe, expect, test } from "bun:test";
import { GROUPS } from "../authn/user-info.ts";
import { requestInfo } from "../request-info.ts";
import { chain } from "./chain.ts";
import { withMaxInFlight } from "./max-in-flight.ts";
import { contextOf } from "./request-context.ts";

/** A handler that holds every request until released. */
function held() {
  const waiting: (() => void)[] = [];
  const handler = async () => {
    await new Promise<void>((resolve) => waiting.push(resolve));
    return new Response("ok");
  };
  return {
    handler,
    waiting,
    release: () => {
      for (const r of waiting.splice(0)) r();
    },
  };
}

function req(method: string, path: string, groups: string[] = []): Request {
  const r = new Request(`https://kube${path}`, { method });
  contextOf(r).info = requestInfo(method, new URL(r.url));
  contextOf(r).user = { username: "u", groups };
  return r;
}

describe("withMaxInFlight", () => {
  test("reads and writes have their own limits; over it: 429, Retry-After 1, upstream's text", async () => {
    const h = held();
    const serve = chain(
      h.handler,
      withMaxInFlight({ maxRequestsInFlight: 2, maxMutatingRequestsInFlight: 1 }),
    );
    const running = [
      serve(req("GET", "/api/v1/pods")),
      serve(req("GET", "/api/v1/pods")),
      serve(req("POST", "/api/v1/namespaces/a/pods")),
    ];
    const refused = await serve(req("GET", "/api/v1/nodes"));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(await refused.text()).toBe("Too many requests, please try again later.\n");
    expect((await serve(req("PUT", "/api/v1/namespaces/a/pods/x"))).status).toBe(429);
    // A system:masters member always gets through.
    const admin = serve(req("GET", "/api/v1/nodes", [GROUPS.masters]));
    // Long-running requests are not counted.
    const watch = serve(req("GET", "/api/v1/pods?watch=true"));
    const logs = serve(req("GET", "/api/v1/namespaces/a/pods/p/log"));
    await Promise.resolve();
    expect(h.waiting.length).toBe(6);
    h.release();
    for (const r of await Promise.all([...running, admin, watch, logs])) expect(r.status).toBe(200);
    // Slots are freed when requests end.
    const again = serve(req("GET", "/api/v1/pods"));
    await Promise.resolve();
    h.release();
    expect((await again).status).toBe(200);
  });

  test("a node's lease and Node have seats of their own and wait in line", async () => {
    const h = held();
    const serve = chain(
      h.handler,
      withMaxInFlight({
        maxRequestsInFlight: 1,
        maxMutatingRequestsInFlight: 1,
        maxNodeHeartbeatsInFlight: 1,
        nodeHeartbeatQueueLength: 1,
        maxNodeRequestsInFlight: 0,
      }),
    );
    const nodes = [GROUPS.nodes];
    const running = [serve(req("GET", "/api/v1/pods")), serve(req("POST", "/api/v1/namespaces/a/pods"))];
    // Another user's lease is ordinary work.
    expect(
      (await serve(req("PUT", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1"))).status,
    ).toBe(429);
    // Reads and writes are full: a node still renews its lease...
    const lease = serve(
      req("PUT", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1", nodes),
    );
    // ...its status update waits for the one heartbeat seat; one more than the line holds is refused.
    const status = serve(req("PATCH", "/api/v1/nodes/n1/status", nodes));
    expect((await serve(req("PATCH", "/api/v1/nodes/n2/status", nodes))).status).toBe(429);
    await Bun.sleep(0);
    expect(h.waiting.length).toBe(3);
    h.release();
    for (const r of await Promise.all([...running, lease])) expect(r.status).toBe(200);
    // The lease's seat went to the waiting status update.
    await Bun.sleep(0);
    expect(h.waiting.length).toBe(1);
    h.release();
    expect((await status).status).toBe(200);
    // Every seat is free again.
    const again = serve(req("PATCH", "/api/v1/nodes/n1/status", nodes));
    await Bun.sleep(0);
    h.release();
    expect((await again).status).toBe(200);
  });

  test("a node's other requests (pod status, events, reads) have seats and a line of their own, apart from everyone else's", async () => {
    const h = held();
    const serve = chain(
      h.handler,
      withMaxInFlight({
        maxRequestsInFlight: 1,
        maxMutatingRequestsInFlight: 1,
        maxNodeHeartbeatsInFlight: 1,
        maxNodeRequestsInFlight: 1,
        nodeRequestQueueLength: 2,
      }),
    );
    const nodes = [GROUPS.nodes];
    // Everyone else's seats are full; a node's pod status write still gets the node seat.
    const others = [serve(req("GET", "/api/v1/pods")), serve(req("POST", "/api/v1/namespaces/a/pods"))];
    const first = serve(req("PATCH", "/api/v1/namespaces/a/pods/p/status", nodes));
    // The next ones (a write and a read, a lease outside kube-node-lease) wait in line...
    const second = serve(req("POST", "/api/v1/namespaces/a/events", nodes));
    const third = serve(req("PUT", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/x", nodes));
    // ...and one more than the line holds is refused.
    expect((await serve(req("GET", "/api/v1/namespaces/a/secrets/s", nodes))).status).toBe(429);
    // The node's heartbeat is not behind them.
    const lease = serve(
      req("PUT", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1", nodes),
    );
    // The others' limits do not count node requests: a user's write still gets 429.
    expect((await serve(req("POST", "/api/v1/namespaces/a/pods"))).status).toBe(429);
    await Bun.sleep(0);
    expect(h.waiting.length).toBe(4);
    h.release();
    for (const r of await Promise.all([...others, first, lease])) expect(r.status).toBe(200);
    // Seats are handed on in order: the event, then the lease elsewhere.
    await Bun.sleep(0);
    expect(h.waiting.length).toBe(1);
    h.release();
    expect((await second).status).toBe(200);
    await Bun.sleep(0);
    expect(h.waiting.length).toBe(1);
    h.release();
    expect((await third).status).toBe(200);
  });
});
