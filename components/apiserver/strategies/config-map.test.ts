import { describe, expect, test } from "bun:test";
import { configMapStrategy } from "./config-map.ts";
import { created, createErrors, updateErrors } from "./strategy-harness.ts";

describe("configmap", () => {
  test("keys, overlap, types and size", () => {
    expect(
      createErrors(configMapStrategy, {
        metadata: { name: "c" },
        data: { "a b": "x", ok: "y", n: 1 },
        binaryData: { ok: "eQ==", bad: "!!" },
      }),
    ).toEqual([
      `data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      "data[n]: Invalid value: 1: must be of type string",
      'binaryData[bad]: Invalid value: "!!": illegal base64 data',
      'data[ok]: Invalid value: "ok": duplicate of key present in binaryData',
    ]);
    expect(
      createErrors(configMapStrategy, {
        metadata: { name: "c" },
        data: { big: "x".repeat(1024 * 1024 + 1) },
      }),
    ).toEqual([": Too long: may not be more than 1048576 bytes"]);
  });

  test("immutable config maps keep their data", () => {
    const old = created(configMapStrategy, { metadata: { name: "c" }, data: { a: "1" }, immutable: true });
    const next = structuredClone(old);
    next.data = { a: "2" };
    expect(updateErrors(configMapStrategy, next, old, false)).toEqual([
      "data: Forbidden: field is immutable when `immutable` is set",
    ]);
    const mutable = structuredClone(old);
    mutable.immutable = false;
    expect(updateErrors(configMapStrategy, mutable, old, false)).toEqual([
      "immutable: Forbidden: field is immutable when `immutable` is set",
    ]);
  });
});
