// The kubelet Component's `done`: resolves on stop(), rejects when the kubelet crashes (a bug in
// a pod's sync, or the container runtime closed under it), as lib/component.ts requires.

import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createImageResolver, type ImageResolver } from "./images/image-resolver.ts";
import { type Kubelet, startKubelet } from "./kubelet.ts";
import { createFakeRuntime, type FakeRuntime } from "./runtime/fake/fake-runtime.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(
  images?: ImageResolver,
): Promise<{ kubelet: Kubelet; runtime: FakeRuntime; lines: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "kt-kubelet-done-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const manifests = join(dir, "manifests");
  mkdirSync(manifests);
  writeFileSync(
    join(manifests, "web.yaml"),
    "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: [{name: app, image: hello}]}\n",
  );
  const runtime = createFakeRuntime();
  const lines: string[] = [];
  const kubelet = await startKubelet({
    nodeName: "kt-node",
    rootDir: join(dir, "root"),
    runtime,
    images: images ?? createImageResolver({ kubeExecutable: ["kube"] }),
    manifestPath: manifests,
    fileCheckFrequencyMs: 50,
    dns: { clusterDNS: [], clusterDomain: "cluster.local", hostResolvConf: "/etc/resolv.conf" },
    log: (line) => lines.push(line),
  });
  cleanups.push(async () => {
    await kubelet.stopAllPods();
    await kubelet.stop();
  });
  return { kubelet, runtime, lines };
}

/** How `done` settled: "resolved", or the rejection's message. */
const outcome = (done: Promise<void>): Promise<string> =>
  done.then(
    () => "resolved",
    (error: Error) => `rejected: ${error.message}`,
  );

describe("kubelet done", () => {
  test("resolves when the kubelet is stopped, after its pods ran", async () => {
    const { kubelet, runtime } = await start();
    await kubelet.ready;
    while ((await runtime.listContainers()).length === 0) await Bun.sleep(5);
    await kubelet.stopAllPods();
    await kubelet.stop();
    expect(await outcome(kubelet.done)).toBe("resolved");
  });

  test("rejects when a pod's sync hits a bug (a TypeError), with that error", async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'entrypoint')");
    const images: ImageResolver = {
      resolve: async () => {
        throw bug;
      },
    };
    const { kubelet, lines } = await start(images);
    const error = await kubelet.done.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBe(bug);
    expect(lines.some((l) => l.startsWith("kubelet crashed: TypeError: Cannot read properties"))).toBe(true);
  });

  test("rejects when the container runtime is closed under it", async () => {
    const { kubelet, runtime } = await start();
    await kubelet.ready;
    await runtime.close();
    expect(await outcome(kubelet.done)).toBe("rejected: the container runtime closed while the kubelet runs");
  });
});

describe("kubelet on the fake runtime", () => {
  test("its pods run without files on disk: no /etc/hosts, resolv.conf or volume directories (kwok-style)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kt-kubelet-fake-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const manifests = join(dir, "manifests");
    mkdirSync(manifests);
    writeFileSync(
      join(manifests, "web.yaml"),
      "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {volumes: [{name: scratch, emptyDir: {}}], containers: [{name: app, image: hello, volumeMounts: [{name: scratch, mountPath: /data}]}]}\n",
    );
    const runtime = createFakeRuntime();
    expect(runtime.podFiles).toBe(false);
    const root = join(dir, "root");
    const kubelet = await startKubelet({
      nodeName: "kt-node",
      rootDir: root,
      runtime,
      images: createImageResolver({ kubeExecutable: ["kube"] }),
      manifestPath: manifests,
      fileCheckFrequencyMs: 50,
      dns: { clusterDNS: [], clusterDomain: "cluster.local", hostResolvConf: "/etc/resolv.conf" },
      log: () => {},
    });
    cleanups.push(async () => {
      await kubelet.stopAllPods();
      await kubelet.stop();
    });
    await kubelet.ready;
    while (!(await runtime.listContainers()).some((c) => c.state === "running")) await Bun.sleep(5);
    const files = existsSync(root) ? readdirSync(root, { recursive: true }).map(String) : [];
    expect(files.filter((f) => /(^|\/)(hosts|resolv\.conf|volumes)$/.test(f))).toEqual([]);
  });
});
