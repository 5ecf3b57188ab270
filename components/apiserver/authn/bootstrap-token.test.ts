import { describe, expect, test } from "bun:test";
import type { KObject } from "../registry/object.ts";
import { BootstrapTokenAuthenticator } from "./bootstrap-token.ts";
import type { ObjectGetter } from "./object-getter.ts";

const NOW = new Date("2026-12-07T04:00:00Z");
const b64 = (s: string) => Buffer.from(s).toString("base64");

function secret(data: Record<string, string>, extra: Partial<KObject> = {}): KObject {
  return {
    metadata: { name: "bootstrap-token-abcdef", namespace: "kube-system" },
    type: "bootstrap.kubernetes.io/token",
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
    ...extra,
  };
}

const good = {
  "token-id": "abcdef",
  "token-secret": "0123456789abcdef",
  "usage-bootstrap-authentication": "true",
  "auth-extra-groups": "system:bootstrappers:kubeadm:default-node-token",
  expiration: "2027-01-01T00:00:00Z",
};

function authenticator(obj: KObject | undefined): BootstrapTokenAuthenticator {
  const getter: ObjectGetter = {
    async get(resource, namespace, name) {
      return resource === "secrets" && namespace === "kube-system" && name === "bootstrap-token-abcdef"
        ? obj
        : undefined;
    },
  };
  return new BootstrapTokenAuthenticator(getter, () => NOW);
}

describe("BootstrapTokenAuthenticator", () => {
  test("a good token: system:bootstrap:<id> in system:bootstrappers and its extra groups (sorted)", async () => {
    expect(await authenticator(secret(good)).authenticateToken("abcdef.0123456789abcdef")).toEqual({
      kind: "ok",
      user: {
        username: "system:bootstrap:abcdef",
        groups: ["system:bootstrappers", "system:bootstrappers:kubeadm:default-node-token"],
      },
    });
  });

  test("each mismatch is no opinion", async () => {
    const cases: [KObject | undefined, string][] = [
      [secret(good), "abcdef.0123456789abcdeX"],
      [secret(good), "abcdef.wrongwrongwrongw"],
      [secret(good), "not-a-bootstrap-token"],
      [undefined, "abcdef.0123456789abcdef"],
      [secret({ ...good, expiration: "2026-01-01T00:00:00Z" }), "abcdef.0123456789abcdef"],
      [secret({ ...good, expiration: "tomorrow" }), "abcdef.0123456789abcdef"],
      [secret({ ...good, "usage-bootstrap-authentication": "false" }), "abcdef.0123456789abcdef"],
      [secret({ ...good, "token-id": "zzzzzz" }), "abcdef.0123456789abcdef"],
      [secret({ ...good, "auth-extra-groups": "system:masters" }), "abcdef.0123456789abcdef"],
      [secret(good, { type: "Opaque" }), "abcdef.0123456789abcdef"],
      [
        secret(good, {
          metadata: { name: "bootstrap-token-abcdef", deletionTimestamp: "2026-12-07T03:00:00Z" },
        }),
        "abcdef.0123456789abcdef",
      ],
    ];
    for (const [obj, token] of cases) {
      expect(await authenticator(obj).authenticateToken(token)).toEqual({ kind: "none" });
    }
  });
});
