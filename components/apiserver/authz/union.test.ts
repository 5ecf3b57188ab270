// --authorization-mode: order, the system:masters shortcut, AlwaysDeny's reason, bad modes.
import { expect, test } from "bun:test";
import { Registry } from "../registry/registry.ts";
import type { Attributes } from "./authorizer.ts";
import { buildAuthorizer, unionAuthorizer } from "./union.ts";

const registry = new Registry({ kv: {} as never, resources: [], strategyFor: () => ({}) });
const attrs = (groups: string[]): Attributes => ({
  user: { username: "u", groups },
  verb: "get",
  isResourceRequest: false,
  path: "/x",
  apiGroup: "",
  apiVersion: "",
  namespace: "",
  resource: "",
  subresource: "",
  name: "",
});

test("AlwaysDeny denies all but system:masters; AlwaysAllow lists every rule", async () => {
  const deny = await buildAuthorizer(["AlwaysDeny"], { registry });
  expect(await deny.authorizer.authorize(attrs([]))).toEqual({
    decision: "deny",
    reason: "Everything is forbidden.",
  });
  expect((await deny.authorizer.authorize(attrs(["system:masters"]))).decision).toBe("allow");
  const allow = await buildAuthorizer(["AlwaysAllow", "AlwaysDeny"], { registry });
  expect((await allow.authorizer.authorize(attrs([]))).decision).toBe("allow");
  expect(allow.authorizer.rulesFor({ username: "u", groups: [] }, "ns").rules).toHaveLength(2);
});

test("unknown, repeated and missing modes are errors", async () => {
  await expect(buildAuthorizer(["ABAC"], { registry })).rejects.toThrow(
    'authorization-mode "ABAC" is not a valid mode (supported: AlwaysAllow, AlwaysDeny, Node, RBAC)',
  );
  await expect(buildAuthorizer(["AlwaysAllow", "AlwaysAllow"], { registry })).rejects.toThrow(
    "specified more than once",
  );
  await expect(buildAuthorizer([], { registry })).rejects.toThrow("at least one authorization-mode");
  await expect(buildAuthorizer(["RBAC"], { registry })).rejects.toThrow("RBAC needs clusterroles");
});

test("the union passes on no opinion and joins reasons", async () => {
  const u = unionAuthorizer([
    { authorize: () => ({ decision: "noOpinion", reason: "a" }) },
    { authorize: () => ({ decision: "noOpinion", reason: "b" }) },
  ]);
  expect(await u.authorize(attrs([]))).toEqual({ decision: "noOpinion", reason: "a\nb" });
});
