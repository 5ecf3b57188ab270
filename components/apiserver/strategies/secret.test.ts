import { describe, expect, test } from "bun:test";
import { secretStrategy } from "./secret.ts";
import { created, createErrors, updateErrors } from "./strategy-harness.ts";

describe("secret", () => {
  test("type Opaque and stringData folded into data", () => {
    const obj = created(secretStrategy, {
      metadata: { name: "s" },
      stringData: { password: "hunter2" },
      data: { user: "YWRtaW4=" },
    });
    expect(obj.type).toBe("Opaque");
    expect(obj.data).toEqual({ user: "YWRtaW4=", password: "aHVudGVyMg==" });
    expect(obj.stringData).toBeUndefined();
    expect(secretStrategy.validate?.(obj)).toEqual([]);
    expect(secretStrategy.fields?.(obj)).toEqual({ type: "Opaque" });
  });

  test("keys each type requires", () => {
    expect(
      createErrors(secretStrategy, { metadata: { name: "t" }, type: "kubernetes.io/tls", data: {} }),
    ).toEqual(["data[tls.crt]: Required value", "data[tls.key]: Required value"]);
    expect(
      createErrors(secretStrategy, { metadata: { name: "t" }, type: "kubernetes.io/service-account-token" }),
    ).toEqual(["metadata.annotations[kubernetes.io/service-account.name]: Required value"]);
    expect(createErrors(secretStrategy, { metadata: { name: "t" }, data: { k: "not base64!" } })).toEqual([
      'data[k]: Invalid value: "not base64!": illegal base64 data',
    ]);
  });

  test("type is immutable", () => {
    const old = created(secretStrategy, { metadata: { name: "s" } });
    const next = structuredClone(old);
    next.type = "kubernetes.io/basic-auth";
    next.data = { username: "YQ==" };
    expect(updateErrors(secretStrategy, next, old, false)).toEqual([
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    ]);
  });
});
