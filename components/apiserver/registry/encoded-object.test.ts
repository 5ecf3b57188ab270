import { expect, test } from "bun:test";
import { encodeParts, servedJson } from "./encoded-object.ts";
import type { KObject } from "./object.ts";

const text = (obj: KObject) => new TextDecoder().decode(encodeParts(obj)?.value);
/** The stored layout as one JSON.stringify writes it: metadata first, without resourceVersion. */
const oneCall = (obj: KObject) => {
  const { resourceVersion: _, ...metadata } = obj.metadata ?? {};
  const { metadata: _m, ...rest } = obj;
  return JSON.stringify({ metadata, ...rest });
};
const pod: KObject = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", managedFields: [{ manager: "m", fieldsV1: { 'k:{"name":"c"}': {} } }] },
  spec: { containers: [{ name: "c", image: "i" }] },
  status: { message: 'a "quoted" word' },
};

test("the stored text is one JSON.stringify's, byte for byte, in the orders clients write", () => {
  for (const obj of [
    pod,
    { kind: "Pod", apiVersion: "v1", metadata: { name: "p" }, spec: {} },
    { metadata: { name: "p", resourceVersion: "7" }, apiVersion: "v1", kind: "ConfigMap" },
    { metadata: {}, kind: 3, apiVersion: undefined, data: { a: undefined, b: "x" } },
  ] as KObject[])
    expect(text(obj)).toBe(oneCall(obj));
});

test("a create's response is JSON.stringify of the served object, resourceVersion last in metadata", () => {
  const encoded = encodeParts(pod);
  if (!encoded) throw new Error("no parts");
  const served = { ...pod, metadata: { ...pod.metadata, resourceVersion: "42" } };
  const { apiVersion: _a, kind: _k, ...rest } = served;
  expect(servedJson(encoded, "v1", "Pod", 42)).toBe(
    JSON.stringify({ apiVersion: "v1", kind: "Pod", ...rest }),
  );
  const bare = encodeParts({ metadata: {} }) as NonNullable<ReturnType<typeof encodeParts>>;
  expect(servedJson(bare, "v1", "Namespace", 2)).toBe(
    '{"apiVersion":"v1","kind":"Namespace","metadata":{"resourceVersion":"2"}}',
  );
});

test("other layouts fall back: a field before metadata, no metadata, a resourceVersion of its own", () => {
  expect(encodeParts({ spec: {}, metadata: { name: "p" } })).toBeUndefined();
  expect(encodeParts({ apiVersion: "v1", data: {}, kind: "ConfigMap", metadata: {} })).toBeUndefined();
  expect(encodeParts({ apiVersion: "v1", kind: "ConfigMap", data: {} })).toBeUndefined();
  const versioned = encodeParts({ metadata: { name: "p", resourceVersion: "3" }, data: {} });
  expect(versioned && servedJson(versioned, "v1", "ConfigMap", 4)).toBeUndefined();
});
