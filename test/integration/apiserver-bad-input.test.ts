// Bad input to the apiserver over HTTP: each gets the right 4xx Status naming the problem,
// the server keeps serving, and nothing stored changes.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestApiserver, type TestApiserver } from "../harness/apiserver.ts";
import { kubectlFor } from "../harness/kubectl.ts";

let server: TestApiserver;
let cms: string;
beforeAll(async () => {
  server = await startTestApiserver();
  cms = `${server.url}/api/v1/namespaces/default/configmaps`;
  const res = await fetch(cms, {
    method: "POST",
    body: JSON.stringify({ metadata: { name: "keep" }, data: { a: "1" } }),
  });
  expect(res.status).toBe(201);
});
afterAll(async () => {
  await server?.stop();
});

async function status(
  res: Response,
): Promise<{ code: number; reason: string; message: string; kind: string }> {
  return (await res.json()) as { code: number; reason: string; message: string; kind: string };
}

const json = { "Content-Type": "application/json" };

test.each([
  [
    "malformed JSON",
    () => fetch(cms, { method: "POST", headers: json, body: "{not json" }),
    400,
    "BadRequest",
    /^the object provided is unrecognized \(must be of type ConfigMap\): couldn't get version\/kind; json parse error: invalid character 'n' looking for beginning of object key string/,
  ],
  [
    "a JSON array body",
    () => fetch(cms, { method: "POST", headers: json, body: "[]" }),
    400,
    "BadRequest",
    /^the object provided is unrecognized \(must be of type ConfigMap\): couldn't get version\/kind; json parse error: json: cannot unmarshal array into Go value/,
  ],
  [
    "a body over 3 MiB",
    () =>
      fetch(cms, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ metadata: { name: "big" }, data: { a: "x".repeat(3.5 * 1024 * 1024) } }),
      }),
    413,
    "RequestEntityTooLarge",
    /limit is 3145728/,
  ],
  [
    "the wrong kind for the URL",
    () =>
      fetch(cms, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" } }),
      }),
    400,
    "BadRequest",
    /cannot be handled as a ConfigMap/,
  ],
  [
    "a namespace that differs from the URL's",
    () =>
      fetch(cms, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ metadata: { name: "x", namespace: "kube-system" } }),
      }),
    400,
    "BadRequest",
    /does not match the namespace sent on the request/,
  ],
  [
    "an invalid label selector",
    () => fetch(`${cms}?labelSelector=${encodeURIComponent("a in ()")}`),
    400,
    "BadRequest",
    /values set can't be empty/,
  ],
  [
    "an unsupported field selector",
    () => fetch(`${cms}?fieldSelector=spec.x%3Dy`),
    400,
    "BadRequest",
    /field label not supported: spec.x/,
  ],
  [
    "a JSON patch that does not apply",
    () =>
      fetch(`${cms}/keep`, {
        method: "PATCH",
        headers: { "Content-Type": "application/json-patch+json" },
        body: JSON.stringify([{ op: "test", path: "/data/a", value: "2" }]),
      }),
    422,
    "Invalid",
    /test/,
  ],
  [
    "an unknown patch type",
    () => fetch(`${cms}/keep`, { method: "PATCH", headers: { "Content-Type": "text/plain" }, body: "{}" }),
    415,
    "UnsupportedMediaType",
    /accepted media types/,
  ],
  [
    "a name that is not DNS-1123",
    () =>
      fetch(cms, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ metadata: { name: "Not_Valid" } }),
      }),
    422,
    "Invalid",
    /RFC 1123 subdomain/,
  ],
  [
    "malformed protobuf",
    () =>
      fetch(cms, {
        method: "POST",
        headers: { "Content-Type": "application/vnd.kubernetes.protobuf" },
        body: new Uint8Array([1, 2, 3]),
      }),
    400,
    "BadRequest",
    /protobuf/,
  ],
  [
    "a stale resourceVersion",
    () =>
      fetch(`${cms}/keep`, {
        method: "PUT",
        headers: json,
        body: JSON.stringify({ metadata: { name: "keep", resourceVersion: "1" }, data: { a: "9" } }),
      }),
    409,
    "Conflict",
    /the object has been modified/,
  ],
  [
    "an unknown resource",
    () => fetch(`${server.url}/api/v1/namespaces/default/nothings`),
    404,
    "NotFound",
    /could not find the requested resource/,
  ],
  ["a bad continue token", () => fetch(`${cms}?limit=1&continue=garbage`), 400, "BadRequest", /continue/],
  [
    "a bad fieldValidation",
    () =>
      fetch(`${cms}?fieldValidation=Loose`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ metadata: { name: "v" } }),
      }),
    422,
    "Invalid",
    /^CreateOptions\.meta\.k8s\.io "" is invalid: fieldValidation: Unsupported value: "Loose"/,
  ],
] as const)("%s gets a clear Status", async (_name, send, code, reason, message) => {
  const res = await send();
  expect(res.status).toBe(code);
  const s = await status(res);
  expect(s.kind).toBe("Status");
  expect(s.code).toBe(code);
  expect(s.reason).toBe(reason);
  expect(s.message).toMatch(message);
});

test("after all of it nothing changed and the server still serves", async () => {
  const list = (await (await fetch(cms)).json()) as {
    items: { metadata: { name: string }; data: Record<string, string> }[];
  };
  expect(list.items.map((i) => i.metadata.name)).toEqual(["keep"]);
  expect(list.items[0]?.data).toEqual({ a: "1" });
  expect(await (await fetch(`${server.url}/healthz`)).text()).toBe("ok");
});

test("componentstatuses report etcd healthy and name what is missing", async () => {
  const kubectl = kubectlFor(server.url);
  try {
    const cs = await kubectl(["get", "componentstatuses"]);
    expect(cs.stderr).toContain("Warning: v1 ComponentStatus is deprecated");
    expect(cs.stdout).toMatch(/^etcd-0\s+Healthy\s+ok/m);
    expect(cs.stdout).toMatch(/^scheduler\s+Unhealthy\s+.*no kube-scheduler has taken its leader lease/m);
  } finally {
    kubectl.cleanup();
  }
});
