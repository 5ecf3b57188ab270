// Unit tests of the indexed store: the namespace index, custom indexes kept in step with
// writes and deletes, indexes added late, and client-go's errors for misuse.
import { expect, test } from "bun:test";
import { Indexer, NAMESPACE_INDEX } from "./indexer.ts";

interface Pod {
  metadata: { name: string; namespace?: string };
  spec?: { nodeName?: string };
}

const pod = (namespace: string, name: string, nodeName?: string): Pod => ({
  metadata: { name, namespace },
  spec: { nodeName },
});
const byNode = (p: Pod) => (p.spec?.nodeName ? [p.spec.nodeName] : []);
const names = (pods: Pod[]) => pods.map((p) => p.metadata.name).sort();

test("the namespace index is built in and follows writes", () => {
  const store = new Indexer<Pod>();
  store.set("a/one", pod("a", "one"));
  store.set("a/two", pod("a", "two"));
  store.set("b/one", pod("b", "one"));
  store.set("cluster", { metadata: { name: "cluster" } });
  expect(names(store.byIndex(NAMESPACE_INDEX, "a"))).toEqual(["one", "two"]);
  expect(store.indexKeys(NAMESPACE_INDEX, "b")).toEqual(["b/one"]);
  expect(store.indexValues(NAMESPACE_INDEX).sort()).toEqual(["a", "b"]);
  store.delete("a/one");
  store.delete("a/missing");
  expect(names(store.byIndex(NAMESPACE_INDEX, "a"))).toEqual(["two"]);
  store.delete("a/two");
  expect(store.indexValues(NAMESPACE_INDEX)).toEqual(["b"]);
  expect(store.byIndex(NAMESPACE_INDEX, "nope")).toEqual([]);
});

test("a custom index moves an object when its indexed value changes", () => {
  const store = new Indexer<Pod>();
  store.addIndexers({ node: byNode });
  store.set("a/p", pod("a", "p"));
  expect(store.byIndex("node", "n1")).toEqual([]);
  store.set("a/p", pod("a", "p", "n1"));
  store.set("b/q", pod("b", "q", "n1"));
  expect(names(store.byIndex("node", "n1"))).toEqual(["p", "q"]);
  store.set("a/p", pod("a", "p", "n2"));
  expect(names(store.byIndex("node", "n1"))).toEqual(["q"]);
  expect(store.indexKeys("node", "n2")).toEqual(["a/p"]);
});

test("indexes added after objects index the existing ones; conflicts and unknown names throw", () => {
  const store = new Indexer<Pod>();
  store.set("a/p", pod("a", "p", "n1"));
  store.addIndexers({ node: byNode });
  expect(store.indexKeys("node", "n1")).toEqual(["a/p"]);
  expect(() => store.addIndexers({ node: byNode })).toThrow("indexer conflict: node");
  expect(() => store.addIndexers({ [NAMESPACE_INDEX]: byNode })).toThrow("indexer conflict: namespace");
  expect(() => store.byIndex("zone", "z")).toThrow("Index with name zone does not exist");
});

test("an index function may file one object under several values", () => {
  const store = new Indexer<Pod>();
  store.addIndexers({ letters: (p) => [...new Set(p.metadata.name)] });
  store.set("a/abba", pod("a", "abba"));
  expect(store.indexKeys("letters", "a")).toEqual(["a/abba"]);
  expect(store.indexKeys("letters", "b")).toEqual(["a/abba"]);
  store.delete("a/abba");
  expect(store.indexValues("letters")).toEqual([]);
});
