// Leader election over the fake API: one of two replicas takes the Lease, the other waits;
// stop() releases it and the other takes over; requests go to the Lease's resource path.
import { expect, test } from "bun:test";
import { FakeApi } from "../../components/controller-manager/common/testing/fake-api.ts";
import { ApiClient } from "../client/api-client.ts";
import { FakeClock } from "../clock/fake-clock.ts";
import { type LeaderElector, startLeaderElection } from "./leader-election.ts";

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(check()).toBe(true);
}

test("one replica leads; on stop it releases the lease and the other takes over", async () => {
  const api = new FakeApi();
  const client = new ApiClient({ server: "http://kt-fake", fetch: api.fetch });
  const started: string[] = [];
  const elector = (identity: string): LeaderElector =>
    startLeaderElection({
      client,
      namespace: "kube-system",
      name: "kt-scheduler",
      identity,
      retryPeriodMs: 5,
      leaseDurationSeconds: 15,
      onStartedLeading: () => started.push(identity),
      onStoppedLeading: () => {},
      log: () => {},
    });
  const a = elector("a");
  await until(() => a.isLeader());
  const b = elector("b");
  try {
    await until(() => api.actions.filter((x) => x.verb === "get").length >= 3);
    expect(b.isLeader()).toBe(false);
    const path = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kt-scheduler";
    const lease = api.get<{ metadata?: { name?: string }; spec?: { holderIdentity?: string } }>(path);
    expect(lease?.spec?.holderIdentity).toBe("a");
    expect(api.writes("leases")[0]).toMatchObject({ verb: "create", namespace: "kube-system" });
    await a.stop();
    await until(() => b.isLeader());
    expect(started).toEqual(["a", "b"]);
  } finally {
    await a.stop();
    await b.stop();
  }
});

test("with a FakeClock, a lease held by a silent replica is taken only once it expires", async () => {
  const clock = new FakeClock(Date.parse("2024-01-01T00:00:00Z"));
  const api = new FakeApi();
  const ghostLease = {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name: "kt-cm", namespace: "kube-system" },
    spec: { holderIdentity: "ghost", leaseDurationSeconds: 15, renewTime: "2024-01-01T00:00:00.000000Z" },
  };
  api.seed("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases", ghostLease);
  const client = new ApiClient({ server: "http://kt-fake", fetch: api.fetch });
  const b = startLeaderElection({
    client,
    namespace: "kube-system",
    name: "kt-cm",
    identity: "b",
    retryPeriodMs: 2000,
    clock,
    onStartedLeading: () => {},
    onStoppedLeading: () => {},
    log: () => {},
  });
  const gets = () => api.actions.filter((a) => a.verb === "get").length;
  try {
    for (let step = 1; step <= 7; step++) {
      await until(() => gets() === step && clock.waiterCount === 1);
      expect(b.isLeader()).toBe(false);
      clock.step(2000); // 14 s after the ghost's last renewal at step 7: still held
    }
    await until(() => gets() === 8 && clock.waiterCount === 1);
    expect(b.isLeader()).toBe(false);
    clock.step(2000); // 16 s: expired
    await until(() => b.isLeader());
    const lease = api.get<{
      metadata?: { name?: string };
      spec?: { holderIdentity?: string; leaseTransitions?: number };
    }>("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kt-cm");
    expect(lease?.spec).toMatchObject({ holderIdentity: "b", leaseTransitions: 1 });
  } finally {
    await b.stop();
  }
});
