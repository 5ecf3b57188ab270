import { afterEach, expect, test } from "bun:test";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HostLocalIpam } from "./host-local-ipam.ts";
import { netnsName, vethName } from "./pod-network.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

test("allocates .2 upwards, one file per IP, survives a new instance, wraps around", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kt-"));
  dirs.push(dir);
  const ipam = new HostLocalIpam(dir, "10.88.7.0/29");
  expect(HostLocalIpam.gateway("10.88.7.0/29")).toBe("10.88.7.1");
  const got = [];
  for (let i = 0; i < 5; i++) got.push(await ipam.allocate(`s${i}`));
  expect(got).toEqual(["10.88.7.2", "10.88.7.3", "10.88.7.4", "10.88.7.5", "10.88.7.6"]);
  await expect(ipam.allocate("full")).rejects.toThrow("no free IP left");
  await ipam.release("10.88.7.4");
  // A restarted kubelet sees the same allocations.
  const again = new HostLocalIpam(dir, "10.88.7.0/29");
  expect(await again.allocate("s9")).toBe("10.88.7.4");
  expect((await again.list()).get("10.88.7.4")).toBe("s9");
  expect((await readdir(dir)).length).toBe(5);
});

test("names fit the kernel's limits and ip netns' rules", () => {
  expect(vethName("abc")).toMatch(/^kv[0-9a-f]{11}$/);
  expect(netnsName("kt-node1", "default", "web_1/x", "0a1b2c3d-4e5f")).toBe(
    "kube-kt-node1-default-web_1-x-0a1b2c3d",
  );
});

test("allocations started together get distinct addresses without retrying each other's", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kt-"));
  dirs.push(dir);
  const ipam = new HostLocalIpam(dir, "10.88.8.0/24");
  const got = await Promise.all(Array.from({ length: 100 }, (_, i) => ipam.allocate(`s${i}`)));
  // Exactly .2 to .101: no address skipped, none tried twice.
  expect([...got].sort((a, b) => Number(a.split(".")[3]) - Number(b.split(".")[3]))).toEqual(
    Array.from({ length: 100 }, (_, i) => `10.88.8.${i + 2}`),
  );
  // Another instance (a second kubelet on the same dir) skips what is taken.
  expect(await new HostLocalIpam(dir, "10.88.8.0/24").allocate("other")).toBe("10.88.8.102");
});
