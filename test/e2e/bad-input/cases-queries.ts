// Bad query parameters, methods and paths: each answered with upstream's code and a Status
// (list options 400/422, selectors, write options, 405 for methods the API does not serve).
import { type BadInputCase, get, NS, post, put, send } from "./bad-input-case.ts";

const CMS = `${NS}/configmaps`;
const cm = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { a: "1" } });
const bad = (name: string, run: BadInputCase["send"], message?: string | RegExp): BadInputCase => ({
  name,
  send: run,
  code: 400,
  reason: "BadRequest",
  ...(message === undefined ? {} : { message }),
});
const invalidOptions = (name: string, run: BadInputCase["send"], message: string): BadInputCase => ({
  name,
  send: run,
  code: 422,
  reason: "Invalid",
  message,
});
const listOptions = (why: string) => `ListOptions.meta.k8s.io "" is invalid: ${why}`;
const rvError = (rv: string, why = "invalid syntax") =>
  `invalid resource version: resourceVersion: Invalid value: "${rv}": strconv.ParseUint: parsing "${rv}": ${why}`;

/** A boolean query parameter as upstream converts it: anything but 0, f, false (any case) is true. */
const watchOf = (value: string): BadInputCase => ({
  name: `watch=${value} is a watch`,
  send: (t) => get(t.api, `${CMS}?watch=${value}&timeoutSeconds=1`),
  code: 200,
  check: (o) => {
    if (!o.body.trimStart().startsWith('{"type":"ADDED"'))
      throw new Error(`not a watch: ${o.body.slice(0, 120)}`);
  },
});

export const QUERY_CASES: BadInputCase[] = [
  watchOf("maybe"),
  watchOf("True"),
  {
    name: "watch=F is a list",
    send: (t) => get(t.api, `${CMS}?watch=F`),
    code: 200,
    check: (o) => {
      if (JSON.parse(o.body).kind !== "ConfigMapList") throw new Error(`not a list: ${o.body.slice(0, 120)}`);
    },
  },
  bad("list resourceVersion=abc", (t) => get(t.api, `${CMS}?resourceVersion=abc`), rvError("abc")),
  bad("list resourceVersion=-5", (t) => get(t.api, `${CMS}?resourceVersion=-5`), rvError("-5")),
  bad("list resourceVersion=1e3", (t) => get(t.api, `${CMS}?resourceVersion=1e3`), rvError("1e3")),
  bad("list resourceVersion=0x10", (t) => get(t.api, "/api/v1/pods?resourceVersion=0x10"), rvError("0x10")),
  bad(
    "list resourceVersion past uint64",
    (t) => get(t.api, `${CMS}?resourceVersion=99999999999999999999`),
    rvError("99999999999999999999", "value out of range"),
  ),
  {
    name: "resourceVersionMatch without resourceVersion",
    send: (t) => get(t.api, `${CMS}?resourceVersionMatch=NotOlderThan`),
    code: 422,
    reason: "Invalid",
    message: listOptions(
      "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
    ),
  },
  {
    name: "resourceVersionMatch unknown",
    send: (t) => get(t.api, `${CMS}?resourceVersion=1&resourceVersionMatch=Newest`),
    code: 422,
    reason: "Invalid",
    message: listOptions(
      'resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""',
    ),
  },
  {
    name: "resourceVersionMatch Exact with resourceVersion 0",
    send: (t) => get(t.api, `${CMS}?resourceVersion=0&resourceVersionMatch=Exact`),
    code: 422,
    reason: "Invalid",
    message: listOptions(
      'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
    ),
  },
  {
    name: "resourceVersionMatch with continue",
    send: (t) => get(t.api, `${CMS}?resourceVersion=5&resourceVersionMatch=Exact&continue=abc`),
    code: 422,
    reason: "Invalid",
    message: /resourceVersionMatch is forbidden when continue is provided/,
  },
  {
    name: "sendInitialEvents on a list",
    send: (t) => get(t.api, `${CMS}?sendInitialEvents=true`),
    code: 422,
    reason: "Invalid",
    message: listOptions("sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list"),
  },
  bad("limit=abc", (t) => get(t.api, `${CMS}?limit=abc`)),
  bad("limit=-1", (t) => get(t.api, `${CMS}?limit=-1`)),
  bad("labelSelector with an empty set", (t) =>
    get(t.api, `${CMS}?labelSelector=${encodeURIComponent("a in ()")}`),
  ),
  bad("labelSelector a===b", (t) => get(t.api, `${CMS}?labelSelector=${encodeURIComponent("a===b")}`)),
  bad("fieldSelector without operator", (t) => get(t.api, `${CMS}?fieldSelector=metadata.name`)),
  bad("fieldSelector on an unsupported field", (t) => get(t.api, `${CMS}?fieldSelector=spec.x%3Dy`)),
  bad("watch timeoutSeconds=abc", (t) => get(t.api, `${CMS}?watch=1&timeoutSeconds=abc`)),
  // Write options are validated as upstream's Create/Patch/DeleteOptions: 422, not 400.
  invalidOptions(
    "fieldValidation=Bogus",
    (t) => post(t.api, `${CMS}?fieldValidation=Bogus`, cm("fv")),
    'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Bogus": supported values: "", "Ignore", "Strict", "Warn"',
  ),
  invalidOptions(
    "dryRun=Bogus",
    (t) => post(t.api, `${CMS}?dryRun=Bogus`, cm("dr")),
    'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Bogus"}: supported values: "All"',
  ),
  invalidOptions(
    "fieldManager over 128 characters",
    (t) => post(t.api, `${CMS}?fieldManager=${"m".repeat(200)}`, cm("fm")),
    'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes',
  ),
  invalidOptions(
    "fieldManager with a control character",
    (t) => post(t.api, `${CMS}?fieldManager=kt%01`, cm("fmc")),
    'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Invalid value: "kt\\x01": invalid character U+0001 (at position 2)',
  ),
  {
    name: "managedFields naming a manager with a control character",
    send: (t) =>
      post(t.api, CMS, {
        ...cm("mfc"),
        metadata: {
          name: "mfc",
          managedFields: [
            {
              manager: "kt\u0007",
              operation: "Update",
              apiVersion: "v1",
              fieldsType: "FieldsV1",
              fieldsV1: {},
            },
          ],
        },
      }),
    code: 422,
    reason: "Invalid",
    message:
      'ConfigMap "mfc" is invalid: metadata.managedFields[0].manager: Invalid value: "kt\\a": invalid character U+0007 (at position 2)',
  },
  invalidOptions(
    "delete propagationPolicy=Sideways",
    (t) => send(t.api, "DELETE", `${CMS}/keep?propagationPolicy=Sideways`),
    'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"',
  ),
  bad("delete gracePeriodSeconds=abc", (t) => send(t.api, "DELETE", `${CMS}/keep?gracePeriodSeconds=abc`)),
  bad("delete with a malformed DeleteOptions body", (t) => send(t.api, "DELETE", `${CMS}/keep`, "{x")),
];

/** Methods Bun's parser takes but the API does not serve (Bun closes the connection on tokens it does not know). */
const FOREIGN_METHODS = ["PROPFIND", "PURGE", "LINK", "MKCOL", "REPORT", "SEARCH"];

export const METHOD_CASES: BadInputCase[] = [
  ...FOREIGN_METHODS.map(
    (m): BadInputCase => ({
      name: `${m} on a collection`,
      send: (t) => send(t.api, m, CMS),
      code: 405,
      reason: "MethodNotAllowed",
      message: "the server does not allow this method on the requested resource",
    }),
  ),
  {
    name: "PROPFIND on /healthz",
    send: (t) => send(t.api, "PROPFIND", "/healthz"),
    code: 405,
    reason: "MethodNotAllowed",
  },
  {
    name: "PUT on a collection",
    send: (t) => put(t.api, CMS, cm("x")),
    code: 405,
    reason: "MethodNotAllowed",
    message: "the server does not allow this method on the requested resource",
  },
  {
    name: "POST to an object's URL",
    send: (t) => post(t.api, `${CMS}/keep`, cm("keep")),
    code: 405,
    reason: "MethodNotAllowed",
  },
  {
    name: "GET of a missing object",
    send: (t) => get(t.api, `${CMS}/nope`),
    code: 404,
    reason: "NotFound",
    message: 'configmaps "nope" not found',
  },
  { name: "an unknown resource", send: (t) => get(t.api, `${NS}/widgets`), code: 404, reason: "NotFound" },
  {
    name: "an unknown group",
    send: (t) => get(t.api, "/apis/nope.example/v1/things"),
    code: 404,
    reason: "NotFound",
  },
  { name: "an unknown version", send: (t) => get(t.api, "/api/v9/pods"), code: 404, reason: "NotFound" },
  {
    name: "a namespaced object without its namespace",
    send: (t) => get(t.api, "/api/v1/configmaps/keep"),
    code: 404,
    reason: "NotFound",
  },
  {
    name: "a subresource ConfigMaps do not have",
    send: (t) => put(t.api, `${CMS}/keep/status`, cm("keep")),
    code: 404,
    reason: "NotFound",
  },
  {
    name: "create of an existing name",
    send: (t) => post(t.api, CMS, cm("keep")),
    code: 409,
    reason: "AlreadyExists",
    message: 'configmaps "keep" already exists',
  },
  {
    name: "PUT with another name than the URL's",
    send: (t) => put(t.api, `${CMS}/keep`, cm("other")),
    code: 400,
    reason: "BadRequest",
    message: "the name of the object (other) does not match the name on the URL (keep)",
  },
  {
    name: "PUT with a stale resourceVersion",
    send: (t) =>
      put(t.api, `${CMS}/keep`, { ...cm("keep"), metadata: { name: "keep", resourceVersion: "1" } }),
    code: 409,
    reason: "Conflict",
    message: /the object has been modified/,
  },
  {
    name: "POST to a namespace that does not exist",
    send: (t) => post(t.api, "/api/v1/namespaces/nowhere/configmaps", cm("x")),
    code: 404,
    reason: "NotFound",
    message: 'namespaces "nowhere" not found',
  },
  {
    name: "a body whose namespace differs from the URL's",
    send: (t) => post(t.api, CMS, { ...cm("x"), metadata: { name: "x", namespace: "kube-system" } }),
    code: 400,
    reason: "BadRequest",
    message: /does not match the namespace/,
  },
];
