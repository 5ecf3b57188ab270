import { describe, expect, test } from "bun:test";
import { matches, parseSelector } from "../../../lib/labels/selector.ts";
import type { Scope } from "../registry/store.ts";
import { labelOnlyScope, storedLabels } from "./stored-labels.ts";

const enc = (obj: unknown): Uint8Array => Buffer.from(JSON.stringify(obj));

interface Obj {
  metadata: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [k: string]: unknown;
}

const objects: Obj[] = [
  { metadata: { name: "a", labels: { app: "web", tier: "front" } }, spec: { x: '}{"' } },
  { metadata: { name: 'b"}{\\', annotations: { note: '{"labels":{"app":"web"}}' }, labels: { app: "db" } } },
  { metadata: { name: "c", annotations: { "x}": "\\" } }, spec: { labels: { app: "web" } } },
  { metadata: { name: "ü—😀", labels: { app: "wéb", "a.b/c": "" } } },
  { metadata: {} },
  { kind: "Pod", metadata: { name: "not-metadata-first", labels: { app: "web" } } },
];

describe("storedLabels", () => {
  test("reads exactly metadata.labels, whatever strings, nesting or layout surround it", () => {
    for (const obj of objects) expect(storedLabels(enc(obj))).toEqual(obj.metadata.labels);
  });

  test("a value that is not a stored object's JSON throws (as a full decode would)", () => {
    expect(() => storedLabels(Buffer.from('{"metadata":{"labels":'))).toThrow();
  });
});

describe("labelOnlyScope", () => {
  const base = (): Scope => ({ namespace: "ns", filtered: true, filter: () => true });

  test("leaves a scope without a filter, or with a field selector, unchanged", () => {
    const none: Scope = { namespace: "ns" };
    expect(labelOnlyScope(none, new URL("http://x/?labelSelector="))).toBe(none);
    const withFields = base();
    const url = new URL("http://x/?labelSelector=app%3Dweb&fieldSelector=metadata.name%3Da");
    expect(labelOnlyScope(withFields, url)).toBe(withFields);
  });

  test("its check on the stored bytes agrees with the selector on the decoded labels", () => {
    const selectors = [
      "app=web",
      "app!=web",
      "app in (web,db)",
      "app notin (web)",
      "tier",
      "!tier",
      "a.b/c=",
      "a.b/c",
    ];
    for (const selector of selectors) {
      const url = new URL(`http://x/?labelSelector=${encodeURIComponent(selector)}`);
      const scope = labelOnlyScope(base(), url);
      expect(scope.filter).toBeUndefined();
      expect(scope.filtered).toBe(true);
      expect(scope.namespace).toBe("ns");
      for (const obj of objects) {
        const want = matches(parseSelector(selector), obj.metadata.labels);
        expect([selector, obj.metadata.name, scope.prefilter?.(enc(obj))]).toEqual([
          selector,
          obj.metadata.name,
          want,
        ]);
      }
    }
  });

  test("keeps the needle pre-check: what it rejects stays rejected", () => {
    const scope = labelOnlyScope(
      { namespace: "", filtered: true, filter: () => true, prefilter: () => false },
      new URL("http://x/?labelSelector=app!%3Dweb"),
    );
    expect(scope.prefilter?.(enc(objects[1]))).toBe(false);
  });
});
