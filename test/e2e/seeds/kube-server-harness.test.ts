// The seed suites' harness itself (test/harness/kube-server.ts): a server starts with its own
// CIDRs and a loopback-only resolv.conf, restarts on the same data dir, and stop() both reports
// and removes what a server left behind (here a network namespace planted under its node's name).

import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type KubeServer, startKubeServer } from "../../harness/kube-server.ts";
import { leftovers } from "../../harness/kubelet.ts";

const root = process.getuid?.() === 0;

describe.skipIf(!root)("kube server harness", () => {
  let server: KubeServer | undefined;

  afterAll(async () => {
    await server?.stop().catch(() => {});
  }, 30_000);

  test("start, restart, and a stop that finds and removes a leftover netns", async () => {
    server = await startKubeServer();
    const s = server;
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The kubeconfig names the secure port (the harness's own url is the insecure one).
    expect(readFileSync(s.kubeconfig, "utf8")).toMatch(/server: https:\/\/127\.0\.0\.1:\d+/);
    expect(s.serviceCIDR).toMatch(/^10\.1\d\d\.0\.0\/16$/);
    expect(s.nodeNames).toHaveLength(1);
    expect((await s.kubectl(["get", "nodes", "--no-headers"])).stdout).toMatch(/\sReady\s/);
    expect(readFileSync(join(s.dataDir, "kt-resolv.conf"), "utf8")).toBe("nameserver 127.0.0.1\n");

    // The restarted server listens on a new port; s.kubectl follows it.
    await s.restart();
    expect((await s.kubectl(["get", "nodes", "--no-headers"])).stdout).toMatch(/\sReady\s/);

    const node = s.nodeNames[0] as string;
    const planted = `kube-${node}-kt-planted`;
    expect(spawnSync("ip", ["netns", "add", planted]).status).toBe(0);
    server = undefined;
    let message = "";
    try {
      await s.stop();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`netns ${planted}`);
    expect(leftovers(node)).toEqual([]);
    expect(existsSync(s.dataDir)).toBe(false);
    // A start, a restart and a stop (the harness allows 45 s per start, 30 s per stop): 20 s at a load of 15.
  }, 90_000);
});
