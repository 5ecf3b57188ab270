import { expect, test } from "bun:test";
import { decodeObject, encodeObject, type KObject } from "./object.ts";
import { servedObjectJson } from "./served-json.ts";

/** What a GET answered before: JSON.stringify of present(decodeObject(kv)). */
function parsed(value: Uint8Array, revision: number, apiVersion: string, kind: string): string {
  const obj = decodeObject({
    key: new Uint8Array(),
    value,
    modRevision: revision,
    createRevision: 1,
    version: 1,
    lease: 0,
  });
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return JSON.stringify({ apiVersion, kind, ...rest });
}

const encoder = new TextEncoder();

test("a stored pod is served as the parse and stringify served it, byte for byte", () => {
  const pod: KObject = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "p",
      managedFields: [{ manager: "m", fieldsV1: { 'k:{"name":"c"}': {}, "f:a\\b": { "}": {} } } }],
    } as KObject["metadata"],
    spec: { containers: [{ name: "c", image: "i", args: ["{", "]", '"', "\\", "é", "\u2028"] }] },
    status: { n: -1.5e-7, big: 1e21, t: true, f: false, z: null, e: {}, a: [] },
  };
  const value = encodeObject(pod);
  expect(servedObjectJson(value, 42, "v1", "Pod")).toBe(parsed(value, 42, "v1", "Pod"));
  const bare = encodeObject({ metadata: {} });
  expect(servedObjectJson(bare, 7, "v1", "Namespace")).toBe(
    '{"apiVersion":"v1","kind":"Namespace","metadata":{"resourceVersion":"7"}}',
  );
});

test("another layout falls back: no metadata first, a resourceVersion inside, repeated or malformed members", () => {
  for (const text of [
    '{"spec":{},"metadata":{"name":"a"}}',
    '{"metadata":{"name":"a","resourceVersion":"3"}}',
    '{"metadata":{"name":"a"},"spec":1,"spec":2}',
    '{"metadata":{"name":"a","name":"b"}}',
    '{"metadata":{"name":"a"} ,"spec":1}',
    '{"metadata":{"name":"a"}',
    '{"metadata":{"name":"a}',
    "[]",
  ])
    expect(servedObjectJson(encoder.encode(text), 2, "v1", "ConfigMap")).toBeUndefined();
});

test("random stored objects: the splice equals the parse and stringify", () => {
  let seed = 3;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const keys = ["a", "apiVersion", "kind", "metadata", 'x"y', "{", 'k:{"name":"c"}', "é", "__proto__", "0"];
  const leaf = () =>
    [null, true, false, 0, -2.5, 1e-9, "", "s}", 'q"', "\\", "]["][Math.floor(random() * 11)];
  const value = (depth: number): unknown => {
    const r = random();
    if (depth > 3 || r < 0.4) return leaf();
    if (r < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
    const obj: Record<string, unknown> = {};
    for (let i = 0; i < random() * 4; i++) {
      const key = keys[Math.floor(random() * keys.length)] as string;
      Object.defineProperty(obj, key, {
        value: value(depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return obj;
  };
  let served = 0;
  for (let n = 0; n < 3000; n++) {
    const obj: Record<string, unknown> = {};
    const order = ["apiVersion", "kind", "metadata", "spec", "status", "data"].sort(() => random() - 0.5);
    for (const key of order) {
      if (random() < 0.2) continue;
      obj[key] =
        key === "metadata" ? (value(1) ?? {}) : key === "apiVersion" || key === "kind" ? "v" : value(1);
    }
    if (typeof obj.metadata !== "object" || obj.metadata === null || Array.isArray(obj.metadata))
      obj.metadata = { name: "n" };
    const stored = encodeObject(obj as KObject);
    const text = servedObjectJson(stored, 9, "apps/v1", "Deployment");
    if (text === undefined) continue;
    served++;
    expect(text).toBe(parsed(stored, 9, "apps/v1", "Deployment"));
  }
  expect(served).toBeGreaterThan(2000);
});
