import { expect, test } from "bun:test";
import { hasSubordinateIds, probeLoopbackPort, rootlessRuntime } from "./host-checks.ts";

test("subordinate ids: both files must name the user (by name or uid) with a count", () => {
  const files = (subuid: string, subgid: string) => (path: string) =>
    path === "/etc/subuid" ? subuid : subgid;
  expect(hasSubordinateIds("alice", 1001, files("alice:100000:65536\n", "alice:100000:65536\n"))).toBe(true);
  expect(hasSubordinateIds("alice", 1001, files("1001:100000:65536\n", "alice:100000:65536\n"))).toBe(true);
  expect(hasSubordinateIds("alice", 1001, files("bob:100000:65536\n", "alice:100000:65536\n"))).toBe(false);
  expect(hasSubordinateIds("alice", 1001, files("alice:100000:65536\n", ""))).toBe(false);
  expect(hasSubordinateIds("alice", 1001, files("alice:100000:0\n", "alice:100000:0\n"))).toBe(false);
});

test("a taken loopback port is reported taken; port 0 gives a free one", async () => {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  try {
    expect(await probeLoopbackPort(server.port)).toBeUndefined();
    const free = await probeLoopbackPort(0);
    expect(free).toBeGreaterThan(0);
  } finally {
    server.stop(true);
  }
});

test("the rootless default runtime: auto (crun in the user namespace) with crun on PATH, else process; one line each", () => {
  const withCrun = rootlessRuntime(true);
  expect(withCrun.runtime).toBe("auto");
  expect(withCrun.line).toContain("OCI (crun, rootless");
  const without = rootlessRuntime(false);
  expect(without.runtime).toBe("process");
  expect(without.line).toContain("no crun on PATH");
});
