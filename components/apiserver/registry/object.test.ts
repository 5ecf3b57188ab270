import { expect, test } from "bun:test";
import type { KeyValue } from "../../../storage/kv.ts";
import { decodeObject, encodeObject, objectJson } from "./object.ts";

const kv = (value: Uint8Array, rev = 7): KeyValue => ({
  key: new Uint8Array(),
  value,
  createRevision: 1,
  modRevision: rev,
  version: 1,
  lease: 0,
});

test("stored JSON drops resourceVersion; reads splice the mod revision back in, parsed or not", () => {
  for (const obj of [
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", resourceVersion: "3" }, data: { k: "v" } },
    { apiVersion: "v1", kind: "ConfigMap", metadata: {} },
    { apiVersion: "v1", kind: "ConfigMap" },
  ]) {
    const stored = encodeObject(obj);
    expect(new TextDecoder().decode(stored)).not.toContain('"resourceVersion"');
    const viaText = JSON.parse(objectJson(kv(stored)));
    expect(viaText).toEqual(decodeObject(kv(stored)));
    expect(viaText.metadata.resourceVersion).toBe("7");
  }
  // Objects written before metadata came first still read correctly.
  const old = new TextEncoder().encode(JSON.stringify({ kind: "ConfigMap", metadata: { name: "o" } }));
  expect(JSON.parse(objectJson(kv(old, 9)))).toEqual({
    kind: "ConfigMap",
    metadata: { name: "o", resourceVersion: "9" },
  });
});
