// The in-process pod network against the kernel (root only): what `ip` then sees in the namespace,
// traffic over the bridge, teardown leaving nothing, and failures undone with ip's wording.
import { afterEach, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { runCommand } from "./ip-command.ts";
import { NetlinkPodNetwork } from "./netlink-pod-network.ts";

const root = process.getuid?.() === 0;
const tag = `${process.pid % 100000}`;
const bridge = `kt-nlb${tag}`;
const made: Array<{ netns: string; veth: string }> = [];

async function ip(...args: string[]): Promise<string> {
  const result = await runCommand(["ip", ...args]);
  if (result.exitCode !== 0) throw new Error(`ip ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

afterEach(async () => {
  for (const { netns, veth } of made.splice(0)) {
    await runCommand(["ip", "link", "del", "dev", veth]);
    await runCommand(["ip", "netns", "del", netns]);
  }
  await runCommand(["ip", "link", "del", "dev", bridge]);
});

test.skipIf(!root)("sets up a pod's namespace as the ip batches did, and tears it down", async () => {
  await ip("link", "add", "name", bridge, "type", "bridge");
  await ip("addr", "add", "10.251.77.1/24", "dev", bridge);
  await ip("link", "set", "dev", bridge, "up");
  const network = NetlinkPodNetwork.open();
  expect(network).toBeDefined();
  if (network === undefined) return;
  const pods = [1, 2].map((n) => ({
    netns: `kt-nl-${tag}-${n}`,
    veth: `kt-nlv${tag}${n}`,
    bridge,
    ip: `10.251.77.${10 + n}`,
    prefixLength: 24,
    gateway: "10.251.77.1",
  }));
  for (const pod of pods) {
    made.push(pod);
    network.setup(pod);
  }
  const [first, second] = pods as [(typeof pods)[0], (typeof pods)[0]];
  expect(await ip("-n", first.netns, "-4", "-o", "addr", "show", "dev", "eth0")).toContain(
    "inet 10.251.77.11/24",
  );
  expect(await ip("-n", first.netns, "route", "show", "default")).toContain(
    "default via 10.251.77.1 dev eth0",
  );
  expect(await ip("-n", first.netns, "-o", "link", "show", "dev", "lo")).toContain("UP");
  expect(await ip("-o", "link", "show", "dev", first.veth)).toContain(`master ${bridge}`);
  // Pod to pod over the bridge, and pod to the gateway.
  const ping = await runCommand([
    "ip",
    "netns",
    "exec",
    first.netns,
    "busybox",
    "ping",
    "-c1",
    "-W2",
    second.ip,
  ]);
  expect(ping.exitCode).toBe(0);
  expect(
    (await runCommand(["ip", "netns", "exec", second.netns, "busybox", "ping", "-c1", "-W2", "10.251.77.1"]))
      .exitCode,
  ).toBe(0);
  // The kubelet's own namespace is unchanged (it went into each new namespace and came back).
  expect(await ip("-o", "link", "show", "dev", bridge)).toContain(bridge);
  for (const pod of pods) network.teardown(pod.netns, pod.veth);
  for (const pod of pods) {
    expect(existsSync(`/run/netns/${pod.netns}`)).toBe(false);
    expect((await runCommand(["ip", "link", "show", "dev", pod.veth])).exitCode).not.toBe(0);
  }
  // Twice is fine (a teardown after a crash finds things gone).
  network.teardown(first.netns, first.veth);
});

test.skipIf(!root)("failures name the step in ip's words and leave nothing behind", async () => {
  const network = NetlinkPodNetwork.open();
  if (network === undefined) throw new Error("netlink unavailable");
  const pod = {
    netns: `kt-nl-${tag}-bad`,
    veth: `kt-nlv${tag}b`,
    bridge: `kt-nob${tag}`,
    ip: "10.251.78.10",
    prefixLength: 24,
    gateway: "10.251.78.1",
  };
  made.push(pod);
  expect(() => network.setup(pod)).toThrow(
    `ip link show dev ${pod.bridge}: RTNETLINK answers: No such device`,
  );
  expect(existsSync(`/run/netns/${pod.netns}`)).toBe(false);
  // A gateway outside the pod's subnet: the route is refused, the namespace and veth undone.
  await ip("link", "add", "name", bridge, "type", "bridge");
  expect(() => network.setup({ ...pod, bridge, gateway: "10.99.0.1" })).toThrow(
    `ip -n ${pod.netns} route add default via 10.99.0.1 dev eth0: RTNETLINK answers: Network is unreachable`,
  );
  expect(existsSync(`/run/netns/${pod.netns}`)).toBe(false);
  expect((await runCommand(["ip", "link", "show", "dev", pod.veth])).exitCode).not.toBe(0);
  // A namespace name already taken: ip netns add's message, and the existing one is left alone.
  await ip("netns", "add", pod.netns);
  expect(() => network.setup({ ...pod, bridge, gateway: "10.251.78.1" })).toThrow(
    `Cannot create namespace file "/run/netns/${pod.netns}": File exists`,
  );
  expect(existsSync(`/run/netns/${pod.netns}`)).toBe(true);
  expect(() => network.setup({ ...pod, bridge, ip: "10.251.78.300" })).toThrow();
});

test.skipIf(!root)(
  "release: the namespace goes, the kernel takes the veth with it; a held namespace's veth is deleted",
  async () => {
    await ip("link", "add", "name", bridge, "type", "bridge");
    const network = NetlinkPodNetwork.open();
    if (network === undefined) throw new Error("netlink unavailable");
    const pods = [1, 2, 3].map((n) => ({
      netns: `kt-nl-${tag}-r${n}`,
      veth: `kt-nlv${tag}r${n}`,
      bridge,
      ip: `10.251.79.${10 + n}`,
      prefixLength: 24,
      gateway: "10.251.79.1",
    }));
    for (const pod of pods) {
      made.push(pod);
      network.setup(pod);
    }
    const [held, ...free] = pods as [(typeof pods)[0], ...(typeof pods)[0][]];
    // A process inside the first namespace keeps it (and its veth) alive after its mount went.
    const holder = Bun.spawn(["ip", "netns", "exec", held.netns, "sleep", "30"], { stdout: "ignore" });
    try {
      for (let i = 0; i < 100 && !(await ip("netns", "pids", held.netns)).trim(); i++) await Bun.sleep(10);
      await Promise.all(free.map((pod) => network.release(pod.netns, pod.veth)));
      for (const pod of free) {
        expect(existsSync(`/run/netns/${pod.netns}`)).toBe(false);
        expect((await runCommand(["ip", "link", "show", "dev", pod.veth])).exitCode).not.toBe(0);
      }
      await network.release(held.netns, held.veth, 200);
      expect(existsSync(`/run/netns/${held.netns}`)).toBe(false);
      expect((await runCommand(["ip", "link", "show", "dev", held.veth])).exitCode).not.toBe(0);
      // Twice is fine.
      await network.release(held.netns, held.veth, 200);
    } finally {
      holder.kill("SIGKILL");
      await holder.exited;
    }
  },
);
