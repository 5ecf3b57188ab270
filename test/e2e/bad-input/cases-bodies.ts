// Bad bodies: malformed encodings, unknown media types, nesting past Go's limits, and unknown
// fields per fieldValidation. Writes that upstream accepts (unknown fields under Warn) are sent
// with dryRun=All, so nothing stored changes.
import { type BadInputCase, NS, post, send } from "./bad-input-case.ts";

const CMS = `${NS}/configmaps`;
const cm = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name },
  data: { a: "1" },
  ...extra,
});
const deep = (levels: number) =>
  `{"metadata":{"name":"deep"},"data":${"[".repeat(levels)}${"]".repeat(levels)}}`;
const bad = (name: string, run: BadInputCase["send"], message?: string | RegExp): BadInputCase => ({
  name,
  send: run,
  code: 400,
  reason: "BadRequest",
  ...(message === undefined ? {} : { message }),
});

export const ENCODING_CASES: BadInputCase[] = [
  bad("malformed JSON", (t) => post(t.api, CMS, "{not json")),
  bad("truncated JSON", (t) => post(t.api, CMS, '{"metadata":{"name":"t"')),
  bad("JSON with trailing garbage", (t) => post(t.api, CMS, '{"metadata":{"name":"t"}}x')),
  bad("a JSON array", (t) => post(t.api, CMS, "[]")),
  bad("JSON null", (t) => post(t.api, CMS, "null")),
  bad("a JSON string", (t) => post(t.api, CMS, '"configmap"')),
  bad("a JSON number", (t) => post(t.api, CMS, "42")),
  bad("NaN in JSON", (t) => post(t.api, CMS, '{"metadata":{"name":"n"},"data":{"a":NaN}}')),
  bad("single-quoted JSON", (t) => post(t.api, CMS, "{'metadata':{}}")),
  bad("an empty body", (t) => post(t.api, CMS, "")),
  bad("malformed YAML", (t) => post(t.api, CMS, "a: [\n", "application/yaml")),
  bad("YAML that is a list", (t) => post(t.api, CMS, "- a\n- b\n", "application/yaml")),
  bad("YAML with a tab indent", (t) => post(t.api, CMS, "metadata:\n\tname: x\n", "application/yaml")),
  bad("malformed protobuf", (t) =>
    send(
      t.api,
      "POST",
      CMS,
      new Uint8Array([0x6b, 0x38, 0x73, 0x00, 1, 2, 3]),
      "application/vnd.kubernetes.protobuf",
    ),
  ),
  bad("protobuf without the k8s magic", (t) =>
    send(t.api, "POST", CMS, new Uint8Array([1, 2, 3]), "application/vnd.kubernetes.protobuf"),
  ),
  {
    name: "an XML body",
    send: (t) => post(t.api, CMS, "<configmap/>", "application/xml"),
    code: 415,
    reason: "UnsupportedMediaType",
  },
  {
    name: "a text/plain body",
    send: (t) => post(t.api, CMS, "name=x", "text/plain"),
    code: 415,
    reason: "UnsupportedMediaType",
  },
  {
    name: "a form body",
    send: (t) => post(t.api, CMS, "name=x", "application/x-www-form-urlencoded"),
    code: 415,
    reason: "UnsupportedMediaType",
  },
  bad("JSON nested 10001 levels", (t) => post(t.api, CMS, deep(10_001)), /exceeded max depth/),
  bad(
    "a ControllerRevision whose data would be too deep inside a list",
    (t) =>
      post(t.api, "/apis/apps/v1/namespaces/default/controllerrevisions", {
        metadata: { name: "deep" },
        revision: 1,
        data: JSON.parse(`${"[".repeat(9998)}${"]".repeat(9998)}`),
      }),
    /exceeded max depth/,
  ),
  {
    ...bad("JSON nested 500,000 levels", (t) => post(t.api, CMS, deep(500_000)), /exceeded max depth/),
    heavy: true,
  },
  {
    ...bad(
      "objects nested 100,000 levels",
      (t) => post(t.api, CMS, `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`),
      /exceeded max depth/,
    ),
    heavy: true,
  },
  {
    ...bad("YAML flow nested 200,000 levels", (t) =>
      post(
        t.api,
        CMS,
        `metadata: {name: y}\ndata: ${"[".repeat(200_000)}${"]".repeat(200_000)}\n`,
        "application/yaml",
      ),
    ),
    heavy: true,
  },
  bad(
    "a wrong kind for the URL",
    (t) => post(t.api, CMS, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" } }),
    /cannot be handled as a ConfigMap|must be of type ConfigMap/,
  ),
];

const DRY = "dryRun=All";
export const UNKNOWN_FIELD_CASES: BadInputCase[] = [
  bad(
    "Strict: an unknown top-level field",
    (t) => post(t.api, `${CMS}?fieldValidation=Strict`, cm("u1", { spec: { x: 1 } })),
    'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"',
  ),
  bad(
    "Strict: an unknown nested field",
    (t) =>
      post(t.api, `/apis/apps/v1/namespaces/default/deployments?fieldValidation=Strict`, {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "u2" },
        spec: {
          selector: { matchLabels: { a: "b" } },
          template: {
            metadata: { labels: { a: "b" } },
            spec: { containers: [{ name: "c", image: "i", imagePullPolice: "Always" }] },
          },
        },
      }),
    'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolice"',
  ),
  bad(
    "Strict: a repeated field",
    (t) =>
      post(
        t.api,
        `${CMS}?fieldValidation=Strict`,
        '{"metadata":{"name":"d1","name":"d2"},"data":{"a":"1","a":"2"}}',
      ),
    'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "metadata.name", duplicate field "data.a"',
  ),
  {
    name: "Warn: a repeated field is a warning, the last value wins",
    send: (t) => post(t.api, `${CMS}?${DRY}`, '{"metadata":{"name":"w1","name":"w2"}}'),
    code: 201,
    check: (o) => {
      if (!o.headers.warning?.includes("duplicate field"))
        throw new Error(`no warning: ${JSON.stringify(o.headers)}`);
      if (JSON.parse(o.body).metadata.name !== "w2")
        throw new Error(`not the last value: ${o.body.slice(0, 100)}`);
    },
  },
  bad(
    "Strict: unknown metadata fields",
    (t) =>
      post(t.api, `${CMS}?fieldValidation=Strict`, { ...cm("u3"), metadata: { name: "u3", lables: {} } }),
    /unknown field "metadata.lables"/,
  ),
  {
    name: "Warn: an unknown field is dropped with a warning",
    send: (t) => post(t.api, `${CMS}?${DRY}`, cm("u4", { spec: { x: 1 } })),
    code: 201,
    check: (o) => {
      if (
        !o.headers.warning?.includes('unknown field \\"spec\\"') &&
        !o.headers.warning?.includes('unknown field "spec"')
      )
        throw new Error(`no warning: ${JSON.stringify(o.headers)}`);
      if ("spec" in JSON.parse(o.body)) throw new Error("the unknown field was kept");
    },
  },
  {
    name: "Ignore: an unknown field is dropped silently",
    send: (t) => post(t.api, `${CMS}?${DRY}&fieldValidation=Ignore`, cm("u5", { bogus: [1, 2] })),
    code: 201,
    check: (o) => {
      if (o.headers.warning !== undefined) throw new Error(`warned: ${o.headers.warning}`);
      if ("bogus" in JSON.parse(o.body)) throw new Error("the unknown field was kept");
    },
  },
  {
    name: "a 2.9 MB unknown field does not reach storage",
    heavy: true,
    send: (t) =>
      post(t.api, `${CMS}?${DRY}&fieldValidation=Ignore`, cm("u6", { blob: "x".repeat(2_900_000) })),
    code: 201,
    check: (o) => {
      if (o.body.length > 10_000) throw new Error(`the answer holds ${o.body.length} bytes`);
    },
  },
  {
    name: "an unknown field nested 9000 levels is dropped, not stored",
    send: (t) =>
      post(
        t.api,
        `${CMS}?${DRY}&fieldValidation=Ignore`,
        `{"metadata":{"name":"u7"},"x":${"[".repeat(9000)}${"]".repeat(9000)}}`,
      ),
    code: 201,
    check: (o) => {
      if ("x" in JSON.parse(o.body)) throw new Error("the unknown field was kept");
    },
  },
];
