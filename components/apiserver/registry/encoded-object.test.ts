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

test("other layouts fall back: a field before metadata, no metadata", () => {
  expect(encodeParts({ spec: {}, metadata: { name: "p" } })).toBeUndefined();
  expect(encodeParts({ apiVersion: "v1", data: {}, kind: "ConfigMap", metadata: {} })).toBeUndefined();
  expect(encodeParts({ apiVersion: "v1", kind: "ConfigMap", data: {} })).toBeUndefined();
});

test("a Go client's update: resourceVersion goes back where it was, before uid's followers and managedFields", () => {
  const first = encodeParts({ metadata: { resourceVersion: "3", name: "p" }, data: {} });
  expect(first && servedJson(first, "v1", "ConfigMap", 4)).toBe(
    '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"resourceVersion":"4","name":"p"},"data":{}}',
  );
  const middle = encodeParts({
    metadata: { name: "n", uid: "u", resourceVersion: "3", creationTimestamp: "t", managedFields: [] },
    spec: { renewTime: "r" },
  });
  expect(middle && servedJson(middle, "coordination.k8s.io/v1", "Lease", 12)).toBe(
    '{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"n","uid":"u","resourceVersion":"12","creationTimestamp":"t","managedFields":[]},"spec":{"renewTime":"r"}}',
  );
  // Members stringify leaves out, before or after it.
  const skipped = encodeParts({ metadata: { a: undefined, resourceVersion: "3", b: undefined } } as KObject);
  expect(skipped && servedJson(skipped, "v1", "ConfigMap", 4)).toBe(
    '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"resourceVersion":"4"}}',
  );
});

test("an update's response: a resourceVersion last in metadata (read back, then written) stays last", () => {
  const versioned = encodeParts({ metadata: { name: "p", resourceVersion: "3" }, data: {} });
  expect(versioned && servedJson(versioned, "v1", "ConfigMap", 4)).toBe(
    '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"p","resourceVersion":"4"},"data":{}}',
  );
});

test("servedJson is JSON.stringify of the served object for any place of resourceVersion", () => {
  let seed = 11;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const members = ["name", "labels", "managedFields", "uid", "annotations", "gone"];
  let answered = 0;
  for (let i = 0; i < 2000; i++) {
    const metadata: Record<string, unknown> = {};
    for (const key of members)
      if (random() < 0.6)
        metadata[key] =
          key === "managedFields"
            ? pod.metadata?.managedFields
            : key === "gone"
              ? undefined
              : { [key]: 'a"b' };
    const at = Math.floor(random() * (Object.keys(metadata).length + 2));
    const ordered: Record<string, unknown> = {};
    Object.keys(metadata).forEach((key, index) => {
      if (index === at) ordered.resourceVersion = "9";
      ordered[key] = metadata[key];
    });
    if (at === Object.keys(metadata).length) ordered.resourceVersion = "9";
    const obj = { apiVersion: "v1", kind: "Pod", metadata: ordered, spec: { n: i } } as KObject;
    const encoded = encodeParts(obj);
    if (!encoded) throw new Error("no parts");
    const served = { ...obj, metadata: { ...obj.metadata, resourceVersion: "10" } };
    const { apiVersion: _a, kind: _k, ...rest } = served;
    const text = servedJson(encoded, "v1", "Pod", 10);
    if (text === undefined) continue;
    answered++;
    expect(text).toBe(JSON.stringify({ apiVersion: "v1", kind: "Pod", ...rest }));
  }
  expect(answered).toBe(2000);
});
