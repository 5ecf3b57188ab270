// The kubelet's request attributes (upstream GetRequestAttributes) and the review caches' expiry.
import { expect, test } from "bun:test";
import { requestAttributes } from "./request-attributes.ts";
import { TtlCache } from "./ttl-cache.ts";

test("verb by method, subresource by path, everything else is proxy", () => {
  const sub = (method: string, path: string) => {
    const a = requestAttributes(method, path, "n1");
    return `${a.verb} ${a.resource}/${a.subresource} ${a.name}`;
  };
  expect(sub("GET", "/stats/summary")).toBe("get nodes/stats n1");
  expect(sub("GET", "/stats")).toBe("get nodes/stats n1");
  expect(sub("GET", "/statsfoo")).toBe("get nodes/proxy n1");
  expect(sub("GET", "/metrics/cadvisor")).toBe("get nodes/metrics n1");
  expect(sub("GET", "/logs/syslog")).toBe("get nodes/log n1");
  expect(sub("GET", "/spec/")).toBe("get nodes/spec n1");
  expect(sub("POST", "/checkpoint/ns/p/c")).toBe("create nodes/checkpoint n1");
  expect(sub("POST", "/exec/ns/p/c")).toBe("create nodes/proxy n1");
  expect(sub("GET", "/containerLogs/ns/p/c")).toBe("get nodes/proxy n1");
  expect(sub("PUT", "/run/ns/p/c")).toBe("update nodes/proxy n1");
  expect(sub("PATCH", "/pods")).toBe("patch nodes/proxy n1");
  expect(sub("DELETE", "/portForward/ns/p")).toBe("delete nodes/proxy n1");
  expect(sub("GET", "/healthz")).toBe("get nodes/proxy n1");
});

test("entries expire after their own TTL; the oldest go past the size bound", () => {
  let now = 1_000;
  const cache = new TtlCache<boolean>(() => now, 3);
  cache.set("allowed", true, 120_000);
  cache.set("denied", false, 30_000);
  now += 29_999;
  expect(cache.get("denied")).toBe(false);
  now += 1;
  expect(cache.get("denied")).toBeUndefined();
  expect(cache.get("allowed")).toBe(true);
  now += 90_000;
  expect(cache.get("allowed")).toBeUndefined();
  for (const k of ["a", "b", "c", "d"]) cache.set(k, true, 1000);
  expect(cache.size).toBe(3);
  expect(cache.get("a")).toBeUndefined();
  expect(cache.get("d")).toBe(true);
});
