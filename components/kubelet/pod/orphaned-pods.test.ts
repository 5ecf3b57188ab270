// removeOrphanedPods: sandboxes no source wants are stopped and removed with their volumes.

import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeRuntime } from "../runtime/fake/fake-runtime.ts";
import { removeOrphanedPods } from "./orphaned-pods.ts";
import { podDir } from "./pod-volumes.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function sandboxWithContainer(runtime: ReturnType<typeof createFakeRuntime>, uid: string) {
  const sandbox = await runtime.runSandbox({
    uid,
    name: `pod-${uid}`,
    namespace: "default",
    hostNetwork: false,
    hostname: uid,
    hostsFile: "",
    resolvConf: "",
    labels: {},
  });
  await runtime.startContainer({
    sandboxId: sandbox.id,
    name: "app",
    attempt: 0,
    image: "nginx",
    argv: ["kube", "image", "nginx"],
    env: [],
    mounts: [],
    stdin: false,
    tty: false,
    labels: {},
  });
  return sandbox;
}

describe("removeOrphanedPods", () => {
  test("removes only the pods not wanted, their containers and volumes", async () => {
    const rootDir = mkdtempSync(join(tmpdir(), "kt-orphans-"));
    dirs.push(rootDir);
    const runtime = createFakeRuntime();
    const kept = await sandboxWithContainer(runtime, "kept");
    const orphan = await sandboxWithContainer(runtime, "orphan");
    for (const uid of ["kept", "orphan"])
      mkdirSync(join(podDir(rootDir, uid), "volumes"), { recursive: true });
    const lines: string[] = [];
    const removed = await removeOrphanedPods({
      runtime,
      rootDir,
      wanted: (uid) => uid === "kept",
      log: (line) => lines.push(line),
    });
    expect(removed).toBe(1);
    expect((await runtime.listSandboxes()).map((s) => s.id)).toEqual([kept.id]);
    expect(await runtime.listContainers(orphan.id)).toEqual([]);
    expect((await runtime.listContainers(kept.id)).map((c) => c.state)).toEqual(["running"]);
    expect(existsSync(join(podDir(rootDir, "orphan"), "volumes"))).toBe(false);
    expect(existsSync(join(podDir(rootDir, "kept"), "volumes"))).toBe(true);
    expect(lines).toEqual(["removing orphaned pod default/pod-orphan (orphan): no source wants it"]);
  });

  test("nothing to remove when every pod is wanted", async () => {
    const runtime = createFakeRuntime();
    await sandboxWithContainer(runtime, "a");
    const removed = await removeOrphanedPods({
      runtime,
      rootDir: "kt-unused",
      wanted: () => true,
      log: () => {},
    });
    expect(removed).toBe(0);
    expect(await runtime.listSandboxes()).toHaveLength(1);
  });
});
