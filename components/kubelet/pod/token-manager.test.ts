// The kubelet's token cache: reuse, refresh at 80% of the TTL or 24 h (jitter pinned), keep a
// still-valid token when a refresh fails, fail once it expired; an injected clock, no sleeping.
import { expect, test } from "bun:test";
import type { TokenRequestSpec } from "./object-source.ts";
import { apiTokenFetcher, type IssuedToken, TokenManager } from "./token-manager.ts";

function harness(start: number) {
  let now = start;
  let calls = 0;
  let failing = false;
  const manager = new TokenManager({
    now: () => new Date(now),
    random: () => 0,
    fetch: async (_ns, _name, spec): Promise<IssuedToken> => {
      calls++;
      if (failing) throw new Error("connection refused");
      return { token: `t${calls}`, expirationTimestamp: new Date(now + spec.expirationSeconds * 1000), spec };
    },
  });
  return {
    manager,
    advance: (ms: number) => {
      now += ms;
    },
    calls: () => calls,
    fail: (v: boolean) => {
      failing = v;
    },
  };
}

const spec = (seconds: number): TokenRequestSpec => ({
  expirationSeconds: seconds,
  boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "p", uid: "u1" },
});

test("reused until 80% of the TTL has passed, then fetched again", async () => {
  const h = harness(Date.parse("2026-12-07T10:00:00Z"));
  expect((await h.manager.getServiceAccountToken("ns", "sa", spec(3600))).token).toBe("t1");
  h.advance(2879_000);
  expect((await h.manager.getServiceAccountToken("ns", "sa", spec(3600))).token).toBe("t1");
  h.advance(2_000); // 2881 s > 80% of 3600 s
  expect((await h.manager.getServiceAccountToken("ns", "sa", spec(3600))).token).toBe("t2");
  expect(h.calls()).toBe(2);
});

test("long tokens are renewed after 24 h; refreshDue says when", async () => {
  const h = harness(0);
  const first = await h.manager.getServiceAccountToken("ns", "sa", spec(365 * 86400));
  expect(h.manager.refreshDue(first).getTime()).toBe(86400_000 + 1000);
  h.advance(86400_000 - 1);
  expect((await h.manager.getServiceAccountToken("ns", "sa", spec(365 * 86400))).token).toBe("t1");
  h.advance(2);
  expect((await h.manager.getServiceAccountToken("ns", "sa", spec(365 * 86400))).token).toBe("t2");
  const short = await h.manager.getServiceAccountToken("ns", "sa", spec(600));
  expect(h.manager.refreshDue(short).getTime() - (86400_000 + 1)).toBe(480_000 + 1000);
});

test("different audiences, accounts or pods are different tokens", async () => {
  const h = harness(0);
  await h.manager.getServiceAccountToken("ns", "sa", spec(3600));
  await h.manager.getServiceAccountToken("ns", "sa", { ...spec(3600), audiences: ["vault"] });
  await h.manager.getServiceAccountToken("ns", "other", spec(3600));
  await h.manager.getServiceAccountToken("ns", "sa", {
    ...spec(3600),
    boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "p", uid: "u2" },
  });
  expect(h.calls()).toBe(4);
  h.manager.deleteServiceAccountToken("u1");
  expect(h.manager.size).toBe(1);
});

test("a failed refresh keeps a valid token; an expired one is an error", async () => {
  const h = harness(0);
  await h.manager.getServiceAccountToken("ns", "sa", spec(600));
  h.fail(true);
  h.advance(500_000);
  expect((await h.manager.getServiceAccountToken("ns", "sa", spec(600))).token).toBe("t1");
  h.advance(200_000);
  await expect(h.manager.getServiceAccountToken("ns", "sa", spec(600))).rejects.toThrow(
    "expired and refresh failed: connection refused",
  );
  await expect(h.manager.getServiceAccountToken("ns", "new", spec(600))).rejects.toThrow(
    "failed to fetch token: connection refused",
  );
  h.manager.cleanup();
  expect(h.manager.size).toBe(0);
});

test("the API fetcher posts a TokenRequest and takes the server's expiration", async () => {
  const posted: { path: string; body: unknown }[] = [];
  const fetcher = apiTokenFetcher({
    async create<T>(path: string, body: unknown): Promise<T> {
      posted.push({ path, body });
      return {
        spec: { expirationSeconds: 1800 },
        status: { token: "abc", expirationTimestamp: "2026-12-07T10:30:00Z" },
      } as T;
    },
  });
  const issued = await fetcher("ns", "sa", spec(3600));
  expect(posted[0]?.path).toBe("/api/v1/namespaces/ns/serviceaccounts/sa/token");
  expect(posted[0]?.body).toEqual({
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    spec: spec(3600),
  });
  expect(issued).toEqual({
    token: "abc",
    expirationTimestamp: new Date("2026-12-07T10:30:00Z"),
    spec: { ...spec(3600), expirationSeconds: 1800 },
  });
  const empty = apiTokenFetcher({ create: async <T>() => ({ status: {} }) as T });
  await expect(empty("ns", "sa", spec(3600))).rejects.toThrow("no token");
});
