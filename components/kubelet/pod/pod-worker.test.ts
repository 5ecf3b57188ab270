// A PodWorker over the fake runtime with a FakeClock: crash-loop back-off (immediate first
// restart, then 10 s, 20 s) with CrashLoopBackOff status and events, driven without sleeping.

import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ContainerStatus as ApiContainerStatus, Pod, PodStatus } from "kubernetes-types/core/v1";
import { FakeClock } from "../../../lib/clock/fake-clock.ts";
import type { ImageResolver } from "../images/image-resolver.ts";
import { createFakeRuntime, type FakeRuntime } from "../runtime/fake/fake-runtime.ts";
import { Backoff } from "./backoff.ts";
import { NO_OBJECTS } from "./object-source.ts";
import { PodWorker } from "./pod-worker.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const images: ImageResolver = {
  resolve: async (image) => ({
    image,
    imageID: `kube://embedded/${image}`,
    entrypoint: [image],
    args: [],
    source: "embedded",
  }),
};

function setup() {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const runtime: FakeRuntime = createFakeRuntime({ now: () => new Date(clock.now()) });
  const rootDir = mkdtempSync(join(tmpdir(), "kt-pod-worker-"));
  cleanups.push(() => rmSync(rootDir, { recursive: true, force: true }));
  const events: string[] = [];
  const crashes: Error[] = [];
  let status: PodStatus | undefined;
  let reports = 0;
  const pod: Pod = {
    metadata: { name: "web", namespace: "default", uid: "uid-1" },
    spec: { restartPolicy: "Always", containers: [{ name: "app", image: "hello" }] },
  };
  const worker = new PodWorker(pod, {
    runtime,
    images,
    rootDir,
    objects: NO_OBJECTS,
    dns: { clusterDNS: [], clusterDomain: "cluster.local", hostResolvConf: "/etc/resolv.conf" },
    hostIP: () => "127.0.0.1",
    events: { record: (_pod, type, reason, message) => events.push(`${type} ${reason}: ${message}`) },
    backoff: new Backoff(10_000),
    log: () => {},
    now: () => new Date(clock.now()),
    clock,
    reportStatus: (_pod, s) => {
      status = s;
      reports++;
    },
    crash: (error) => crashes.push(error),
  });
  cleanups.push(() => worker.terminate(0));
  const app = (): ApiContainerStatus | undefined => status?.containerStatuses?.[0];
  /** The running container's runtime status (the latest attempt). */
  const running = async () => (await runtime.listContainers()).find((c) => c.state === "running");
  /** Lets timers fired on microtasks start their sync, then waits for it. */
  const settle = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    await worker.idle();
  };
  return { clock, runtime, worker, events, crashes, app, running, settle, reports: () => reports };
}

describe("PodWorker crash-loop back-off", () => {
  test("restarts at once, then after 10 s, then after 20 s, reporting CrashLoopBackOff meanwhile", async () => {
    const { clock, runtime, worker, events, crashes, app, running, settle } = setup();
    worker.kick();
    await settle();
    expect(app()?.state?.running).toBeDefined();
    expect(events).toEqual([
      'Normal Pulled: Container image "hello" already present on machine',
      "Normal Created: Created container app",
      "Normal Started: Started container app",
    ]);

    // The first exit restarts at once (attempt 1), as upstream's back-off starts at zero.
    runtime.exit((await running())?.id ?? "", 1);
    worker.kick();
    await settle();
    expect((await running())?.attempt).toBe(1);
    expect(app()?.restartCount).toBe(1);
    expect(app()?.lastState?.terminated?.exitCode).toBe(1);

    // The second exit backs off 10 s: CrashLoopBackOff, one BackOff event, a timer armed.
    events.length = 0;
    runtime.exit((await running())?.id ?? "", 2);
    worker.kick();
    await settle();
    expect(await running()).toBeUndefined();
    expect(app()?.state?.waiting).toEqual({
      reason: "CrashLoopBackOff",
      message: "back-off 10s restarting failed container=app pod=web_default(uid-1)",
    });
    expect(events).toEqual([
      "Warning BackOff: Back-off restarting failed container app in pod web_default(uid-1)",
    ]);
    expect(clock.waiterCount).toBe(1);

    // A sync before the back-off ends starts nothing and records no second BackOff event.
    clock.step(9_999);
    worker.kick();
    await settle();
    expect(await running()).toBeUndefined();
    expect(events).toHaveLength(1);

    // When it ends, the worker's own timer starts attempt 2.
    clock.step(1);
    await settle();
    expect((await running())?.attempt).toBe(2);
    expect(app()?.state?.running).toBeDefined();
    expect(app()?.restartCount).toBe(2);

    // The next exit doubles the back-off to 20 s.
    runtime.exit((await running())?.id ?? "", 3);
    worker.kick();
    await settle();
    expect(app()?.state?.waiting?.message).toBe(
      "back-off 20s restarting failed container=app pod=web_default(uid-1)",
    );
    clock.step(19_999);
    await settle();
    expect(await running()).toBeUndefined();
    clock.step(1);
    await settle();
    expect((await running())?.attempt).toBe(3);
    expect(crashes).toEqual([]);
  });

  test("restartPolicy Never: an exited container stays exited, no back-off timer", async () => {
    const { clock, runtime, worker, app, running, settle } = setup();
    worker.update({
      ...worker.pod,
      spec: { ...worker.pod.spec, restartPolicy: "Never", containers: worker.pod.spec?.containers ?? [] },
    });
    await settle();
    runtime.exit((await running())?.id ?? "", 1);
    worker.kick();
    await settle();
    expect(app()?.state?.terminated?.exitCode).toBe(1);
    expect(status(app())).toBe("terminated");
    clock.step(600_000);
    await settle();
    expect(await running()).toBeUndefined();
  });
});

describe("PodWorker status reports", () => {
  test("a resync of a steady pod neither rebuilds nor reports its status; a change does", async () => {
    const { clock, runtime, worker, app, running, settle, reports } = setup();
    worker.kick();
    await settle();
    expect(app()?.state?.running).toBeDefined();
    const first = reports();
    const steady = worker.status;
    // The periodic resync, a minute apart, with nothing changed in the runtime.
    for (let i = 0; i < 3; i++) {
      clock.step(60_000);
      worker.kick();
      await settle();
    }
    expect(reports()).toBe(first);
    expect(worker.status).toBe(steady);

    // The container exits: the next sync computes and reports the new status.
    runtime.exit((await running())?.id ?? "", 1);
    worker.kick();
    await settle();
    expect(reports()).toBeGreaterThan(first);
    expect(app()?.restartCount).toBe(1);
    const afterRestart = reports();
    worker.kick();
    await settle();
    expect(reports()).toBe(afterRestart);

    // A new spec (an update from the API) is computed against once.
    worker.update({
      ...worker.pod,
      spec: { ...worker.pod.spec, containers: worker.pod.spec?.containers ?? [] },
    });
    await settle();
    expect(reports()).toBe(afterRestart + 1);
    worker.kick();
    await settle();
    expect(reports()).toBe(afterRestart + 1);
  });

  test("termination reports the final status even when nothing else changed", async () => {
    const { worker, app, settle, reports } = setup();
    worker.kick();
    await settle();
    const before = reports();
    await worker.terminate(0);
    expect(reports()).toBe(before + 1);
    expect(app()?.state?.terminated).toBeDefined();
  });
});

function status(c: ApiContainerStatus | undefined): string {
  return Object.keys(c?.state ?? {}).join(",");
}
