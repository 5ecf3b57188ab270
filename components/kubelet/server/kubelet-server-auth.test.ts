// The kubelet's port over TLS with webhook authentication and authorization: client
// certificates from the client CA, bearer tokens through TokenReview (cached), a
// SubjectAccessReview on the Node per request (cached), upstream's 401/403 texts; and the
// standalone plain-HTTP mode bound to loopback only.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { makeTestPki, type TestPair, type TestPki } from "../../../test/harness/openssl-pki.ts";
import type { Runtime } from "../runtime/runtime.ts";
import type { ReviewApi } from "./auth/kubelet-auth.ts";
import { type KubeletServer, startKubeletServer } from "./kubelet-server.ts";

interface Review {
  kind: string;
  spec: {
    token?: string;
    user?: string;
    groups?: string[];
    resourceAttributes?: { verb: string; resource: string; subresource: string; name: string };
  };
}

/** A fake API: token "alice-token" is alice; masters may do anything, alice only read stats and spec. */
class FakeReviews implements ReviewApi {
  calls: Review[] = [];
  failing = false;
  async create<T>(path: string, body: unknown): Promise<T> {
    const review = body as Review;
    this.calls.push(review);
    if (this.failing) throw new Error("connection refused");
    if (path.endsWith("/tokenreviews")) {
      const ok = review.spec.token === "alice-token";
      return {
        status: ok
          ? { authenticated: true, user: { username: "alice", groups: ["devs"] } }
          : { authenticated: false },
      } as T;
    }
    const attrs = review.spec.resourceAttributes;
    const allowed =
      review.spec.groups?.includes("system:masters") === true ||
      (review.spec.user === "alice" &&
        attrs?.verb === "get" &&
        (attrs.subresource === "spec" || attrs.subresource === "stats"));
    return { status: { allowed } } as T;
  }
  count(kind: string): number {
    return this.calls.filter((c) => c.kind === kind).length;
  }
}

let pki: TestPki;
let apiserverClient: TestPair;
let serving: TestPair;
const reviews = new FakeReviews();
let kubelet: KubeletServer;
let base: string;
const runtime = {} as unknown as Runtime;

beforeAll(async () => {
  pki = makeTestPki();
  serving = pki.issue("kt-node-serving");
  apiserverClient = pki.issue("apiserver-kubelet-client", {
    cn: "kube-apiserver-kubelet-client",
    organizations: ["system:masters"],
  });
  kubelet = await startKubeletServer({
    address: "127.0.0.1",
    port: 0,
    runtime,
    pods: () => [],
    nodeName: "kt-node",
    log: () => undefined,
    serving: {
      mode: "tls",
      certPem: serving.certPem,
      keyPem: serving.keyPem,
      clientCaPem: pki.ca.certPem,
      api: reviews,
    },
  });
  base = `https://127.0.0.1:${kubelet.port}`;
});

afterAll(async () => {
  await kubelet?.stop();
  pki?.remove();
});

function call(path: string, init: { method?: string; token?: string; cert?: TestPair; ca?: string } = {}) {
  return fetch(`${base}${path}`, {
    method: init.method ?? "GET",
    headers: init.token ? { Authorization: `Bearer ${init.token}` } : {},
    tls: {
      ca: init.ca ?? pki.ca.certPem,
      ...(init.cert ? { cert: init.cert.certPem, key: init.cert.keyPem } : {}),
    },
  });
}

test("the apiserver's client certificate (system:masters) gets in; the review names the node and subresource", async () => {
  const res = await call("/pods", { cert: apiserverClient });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { kind: string }).kind).toBe("PodList");
  const sar = reviews.calls.find((c) => c.kind === "SubjectAccessReview");
  expect(sar?.spec.user).toBe("kube-apiserver-kubelet-client");
  expect(sar?.spec.groups).toEqual(["system:masters", "system:authenticated"]);
  expect(sar?.spec.resourceAttributes).toEqual({
    verb: "get",
    version: "v1",
    resource: "nodes",
    subresource: "proxy",
    name: "kt-node",
  } as never);
  expect(reviews.count("TokenReview")).toBe(0);
});

test("anonymous callers get 401 Unauthorized, /healthz included", async () => {
  for (const path of ["/pods", "/healthz", "/exec/default/p/c?command=sh"]) {
    const res = await call(path);
    expect(res.status).toBe(401);
    expect(await res.text()).toBe("Unauthorized");
  }
  const badToken = await call("/pods", { token: "nobody" });
  expect(badToken.status).toBe(401);
});

test("a token is reviewed once and cached; alice may read spec but not pods, nor exec", async () => {
  const before = reviews.count("TokenReview");
  expect((await call("/spec/", { token: "alice-token" })).status).toBe(200);
  const forbidden = await call("/pods", { token: "alice-token" });
  expect(forbidden.status).toBe(403);
  expect(await forbidden.text()).toBe(
    "Forbidden (user=alice, verb=get, resource=nodes, subresource(s)=[proxy])\n",
  );
  const exec = await call("/exec/default/web/web?command=id&output=1", {
    method: "POST",
    token: "alice-token",
  });
  expect(exec.status).toBe(403);
  expect(await exec.text()).toBe(
    "Forbidden (user=alice, verb=create, resource=nodes, subresource(s)=[proxy])\n",
  );
  expect((await call("/stats/summary", { method: "PUT", token: "alice-token" })).status).toBe(403);
  expect(reviews.count("TokenReview") - before).toBe(1);
  const sars = reviews.count("SubjectAccessReview");
  expect((await call("/spec/", { token: "alice-token" })).status).toBe(200);
  expect(reviews.count("SubjectAccessReview")).toBe(sars);
});

test("a certificate from another CA is refused; a client not trusting the kubelet's CA cannot connect; plain http neither", async () => {
  const other = makeTestPki();
  try {
    const stranger = other.issue("stranger", { organizations: ["system:masters"] });
    expect((await call("/pods", { cert: stranger })).status).toBe(401);
    await expect(call("/pods", { cert: apiserverClient, ca: other.ca.certPem })).rejects.toThrow();
  } finally {
    other.remove();
  }
  const plain = await fetch(`http://127.0.0.1:${kubelet.port}/pods`).then(
    (r) => r.status,
    () => "refused",
  );
  expect(plain).not.toBe(200);
});

test("the API unreachable: a token is 401, a certificate user's authorization is a 500 naming the request", async () => {
  reviews.failing = true;
  try {
    expect((await call("/pods", { token: "fresh-token" })).status).toBe(401);
    const res = await call("/logs/", { cert: apiserverClient });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe(
      "Authorization error (user=kube-apiserver-kubelet-client, verb=get, resource=nodes, subresource(s)=[log])\n",
    );
  } finally {
    reviews.failing = false;
  }
});

test("standalone: plain http on 127.0.0.1 only, whatever address was asked, and it says so", async () => {
  const lines: string[] = [];
  const standalone = await startKubeletServer({
    address: "0.0.0.0",
    port: 0,
    readOnlyPort: 0,
    runtime,
    pods: () => [],
    nodeName: "kt-alone",
    log: (line) => lines.push(line),
    serving: { mode: "loopback" },
  });
  try {
    expect((await fetch(`http://127.0.0.1:${standalone.port}/healthz`)).status).toBe(200);
    expect(lines.join("\n")).toContain(`127.0.0.1:${standalone.port} (plain http on 127.0.0.1 only`);
    const addresses = Bun.spawnSync(["ss", "-Hltn", `sport = :${standalone.port}`]).stdout.toString();
    expect(addresses).toContain(`127.0.0.1:${standalone.port}`);
    expect(addresses).not.toContain(`0.0.0.0:${standalone.port}`);
  } finally {
    await standalone.stop();
  }
});

test("--anonymous-auth: no credentials is system:anonymous, authorized like anyone; a bad token is still 401", async () => {
  const before = reviews.calls.length;
  const lines: string[] = [];
  const open = await startKubeletServer({
    address: "127.0.0.1",
    port: 0,
    runtime,
    pods: () => [],
    nodeName: "kt-anon",
    log: (line) => lines.push(line),
    serving: { mode: "tls", certPem: serving.certPem, keyPem: serving.keyPem, api: reviews, anonymous: true },
  });
  try {
    const url = `https://127.0.0.1:${open.port}`;
    const anonymous = await fetch(`${url}/pods`, { tls: { ca: pki.ca.certPem } });
    expect(anonymous.status).toBe(403);
    expect(await anonymous.text()).toBe(
      "Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource(s)=[proxy])\n",
    );
    const sar = reviews.calls.slice(before).find((c) => c.kind === "SubjectAccessReview");
    expect(sar?.spec.groups).toEqual(["system:unauthenticated"]);
    const bad = await fetch(`${url}/pods`, {
      tls: { ca: pki.ca.certPem },
      headers: { Authorization: "Bearer nope" },
    });
    expect(bad.status).toBe(401);
    expect(lines.join("\n")).toContain(
      "callers authenticated by TokenReview, anonymous, authorized by SubjectAccessReview",
    );
  } finally {
    await open.stop();
  }
});

test("--authorization-mode=AlwaysAllow with the token webhook: any authenticated caller; Webhook needs an API", async () => {
  const open = await startKubeletServer({
    address: "127.0.0.1",
    port: 0,
    runtime,
    pods: () => [],
    nodeName: "kt-allow",
    log: () => undefined,
    serving: {
      mode: "tls",
      certPem: serving.certPem,
      keyPem: serving.keyPem,
      api: reviews,
      authorizationMode: "AlwaysAllow",
    },
  });
  try {
    const sars = reviews.count("SubjectAccessReview");
    const res = await fetch(`https://127.0.0.1:${open.port}/pods`, {
      tls: { ca: pki.ca.certPem },
      headers: { Authorization: "Bearer alice-token" },
    });
    expect(res.status).toBe(200);
    expect(reviews.count("SubjectAccessReview")).toBe(sars);
  } finally {
    await open.stop();
  }
  await expect(
    startKubeletServer({
      address: "127.0.0.1",
      port: 0,
      runtime,
      pods: () => [],
      nodeName: "kt-bad",
      log: () => undefined,
      serving: {
        mode: "tls",
        certPem: serving.certPem,
        keyPem: serving.keyPem,
        authorizationMode: "Webhook",
      },
    }),
  ).rejects.toThrow("webhook authentication or authorization needs an API server to ask");
});
