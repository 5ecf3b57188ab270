// Status bytes against upstream's: the bodies quoted are a real kube-apiserver's answers (the
// Invalid Secret of kubernetes/kubernetes#12594, the Invalid Lease of kube-rs/kube#1862, compacted
// as json.Encoder writes them) with today's message texts. The in-memory Status has the same
// order, so any JSON.stringify of it (a watch's ERROR event) writes the same bytes.
import { expect, test } from "bun:test";
import { canonicalStatus, StatusError, successStatus } from "./status-error.ts";
import { statusJson } from "./status-response.ts";

const both = (err: StatusError): string => {
  const json = statusJson(err.status);
  expect(`${JSON.stringify(err.status)}\n`).toBe(json);
  return json;
};

test('an Invalid without a name: no details name, no group for a core kind, the message keeps ""', () => {
  const err = StatusError.invalid({ group: "", kind: "Secret" }, "", [
    {
      reason: "FieldValueRequired",
      message: "Required value: name or generateName is required",
      field: "metadata.name",
    },
  ]);
  expect(both(err)).toBe(
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Secret \\"\\" is invalid: metadata.name: Required value: name or generateName is required","reason":"Invalid","details":{"kind":"Secret","causes":[{"reason":"FieldValueRequired","message":"Required value: name or generateName is required","field":"metadata.name"}]},"code":422}\n',
  );
  expect(err.status.details).toEqual({ kind: "Secret", causes: expect.any(Array) });
  expect(Object.keys(err.status.details ?? {})).toEqual(["kind", "causes"]);
});

test("an Invalid with a name and a group: name, group, kind, causes", () => {
  const message =
    "Invalid value: \"test_\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  const err = StatusError.invalid({ group: "coordination.k8s.io", kind: "Lease" }, "test_", [
    { reason: "FieldValueInvalid", message, field: "metadata.name" },
  ]);
  expect(Object.keys(err.status.details ?? {})).toEqual(["name", "group", "kind", "causes"]);
  expect(both(err)).toBe(
    `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":${JSON.stringify(`Lease.coordination.k8s.io "test_" is invalid: metadata.name: ${message}`)},"reason":"Invalid","details":{"name":"test_","group":"coordination.k8s.io","kind":"Lease","causes":[{"reason":"FieldValueInvalid","message":${JSON.stringify(message)},"field":"metadata.name"}]},"code":422}\n`,
  );
});

test("an Invalid's message is field.ErrorList's aggregate: repeated texts once, none without a colon", () => {
  const cause = { reason: "FieldValueRequired", message: "Required value", field: "spec.x" };
  const twice = StatusError.invalid({ group: "", kind: "Pod" }, "p", [cause, cause]);
  expect(twice.message).toBe('Pod "p" is invalid: spec.x: Required value');
  expect(twice.status.details?.causes).toHaveLength(2);
  const other = { reason: "FieldValueRequired", message: "Required value", field: "spec.y" };
  expect(StatusError.invalid({ group: "", kind: "Pod" }, "p", [cause, other, cause]).message).toBe(
    'Pod "p" is invalid: [spec.x: Required value, spec.y: Required value]',
  );
  const none = StatusError.invalid({ group: "apps", kind: "Deployment" }, "d", []);
  expect(both(none)).toBe(
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Deployment.apps \\"d\\" is invalid","reason":"Invalid","details":{"name":"d","group":"apps","kind":"Deployment"},"code":422}\n',
  );
});

test("names are quoted as Go's %q: NotFound, AlreadyExists, Conflict, Forbidden, Invalid", () => {
  const cm = { group: "", resource: "configmaps" };
  expect(both(StatusError.notFound(cm, 'a"b'))).toBe(
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \\"a\\\\\\"b\\" not found","reason":"NotFound","details":{"name":"a\\"b","kind":"configmaps"},"code":404}\n',
  );
  expect(StatusError.alreadyExists(cm, "a\tb").message).toBe('configmaps "a\\tb" already exists');
  expect(StatusError.modified({ group: "apps", resource: "deployments" }, "x\x00").message).toBe(
    'Operation cannot be fulfilled on deployments.apps "x\\x00": the object has been modified; please apply your changes to the latest version and try again',
  );
  expect(StatusError.invalid({ group: "", kind: "Pod" }, "\u00a0", []).message).toBe(
    'Pod "\\u00a0" is invalid',
  );
  expect(StatusError.forbidden(cm, "q\\", "no").message).toBe('configmaps "q\\\\" is forbidden: no');
});

test("Forbidden as NewForbidden: no resource, no name, a core resource without group", () => {
  expect(both(StatusError.forbidden({ group: "", resource: "" }, "", 'User "u" cannot get path "/x"'))).toBe(
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"forbidden: User \\"u\\" cannot get path \\"/x\\"","reason":"Forbidden","details":{},"code":403}\n',
  );
  expect(both(StatusError.forbidden({ group: "", resource: "pods" }, "", "no"))).toBe(
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods is forbidden: no","reason":"Forbidden","details":{"kind":"pods"},"code":403}\n',
  );
});

test("a Status built in any order, or with empty fields, is kept in Go's order without them", () => {
  const err = new StatusError({
    code: 429,
    details: { retryAfterSeconds: 1, causes: [], uid: "", kind: "pods", group: "", name: "" },
    reason: "TooManyRequests",
    message: "slow down",
    status: "Failure",
    metadata: {},
    apiVersion: "v1",
    kind: "Status",
  });
  expect(JSON.stringify(err.status)).toBe(
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"slow down","reason":"TooManyRequests","details":{"kind":"pods","retryAfterSeconds":1},"code":429}',
  );
  const cause = canonicalStatus({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    details: { causes: [{ field: "f", message: "m", reason: "" }] },
    code: 500,
  });
  expect(JSON.stringify(cause.details)).toBe('{"causes":[{"message":"m","field":"f"}]}');
});

test("a Success Status: details name, group, kind, uid; no message or reason", () => {
  expect(
    JSON.stringify(successStatus(200, { uid: "u1", kind: "deployments", group: "apps", name: "web" })),
  ).toBe(
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"web","group":"apps","kind":"deployments","uid":"u1"},"code":200}',
  );
  expect(JSON.stringify(successStatus(201))).toBe(
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","code":201}',
  );
});

test("an Invalid of no kind (a patch that decodes badly): details hold only the causes", () => {
  const err = StatusError.invalid({ group: "", kind: "" }, "", [
    { reason: "FieldValueInvalid", message: 'Invalid value: "{}": x', field: "patch" },
  ]);
  expect(both(err)).toBe(
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":" \\"\\" is invalid: patch: Invalid value: \\"{}\\": x","reason":"Invalid","details":{"causes":[{"reason":"FieldValueInvalid","message":"Invalid value: \\"{}\\": x","field":"patch"}]},"code":422}\n',
  );
});

test("415 as a real apiserver answers it (kubernetes-client/python#866): no details", () => {
  const err = StatusError.unsupportedMediaType([
    "application/json-patch+json",
    "application/merge-patch+json",
  ]);
  expect(both(err)).toBe(
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json","reason":"UnsupportedMediaType","code":415}\n',
  );
});

test("405 as kube-apiserver's go-restful error handler writes it: NewGenericServerResponse, empty details", () => {
  expect(both(StatusError.methodNotAllowed())).toBe(
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server does not allow this method on the requested resource","reason":"MethodNotAllowed","details":{},"code":405}\n',
  );
});
