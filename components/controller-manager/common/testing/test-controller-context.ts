// A ControllerContext for controller unit tests (upstream's NewFakeControllerExpectations-era
// test setup: a fake clientset, informers fed from it, a FakeRecorder): the real ApiClient and
// shared informers over a FakeApi, events recorded in memory, a FakeClock, and no workers, so
// a test seeds objects, waits for the caches and calls sync(key) itself.

import { ApiClient } from "../../../../lib/client/api-client.ts";
import { FakeClock } from "../../../../lib/clock/fake-clock.ts";
import type { EventRecorder, EventTarget, EventType } from "../../../../lib/events/event-recorder.ts";
import { InformerFactory } from "../../../../lib/informer/informer-factory.ts";
import type { ControllerContext, ControllerOptions } from "../../controller.ts";
import { FakeApi } from "./fake-api.ts";

export interface RecordedEvent {
  component: string;
  object: EventTarget;
  type: EventType;
  reason: string;
  message: string;
}

export interface TestControllerContext {
  context: ControllerContext;
  api: FakeApi;
  client: ApiClient;
  informers: InformerFactory;
  events: RecordedEvent[];
  /** The context's clock: time stands still until the test steps it. */
  clock: FakeClock;
  /** Lines the controller logged. */
  logs: string[];
  /** Waits until every informer created so far has listed, then forgets the recorded actions. */
  synced(): Promise<void>;
  /** Stops the informers (call in afterEach or finally). */
  close(): Promise<void>;
}

/**
 * `options.workers` defaults to 0: keys pile up in the queue and the test runs sync(key).
 * The clock starts at `now` (default 2026-01-01T00:10:00Z).
 */
export function testControllerContext(
  options: { now?: Date; options?: Partial<ControllerOptions> } = {},
): TestControllerContext {
  const api = new FakeApi();
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);
  const client = new ApiClient({ server: "http://kt-fake-api", fetch: api.fetch });
  const informers = new InformerFactory(client, log);
  const events: RecordedEvent[] = [];
  const recorder = (component: string): EventRecorder => ({
    event: (object, type, reason, message) => events.push({ component, object, type, reason, message }),
  });
  const clock = new FakeClock(options.now ?? new Date("2026-01-01T00:10:00Z"));
  const context: ControllerContext = {
    client,
    informers,
    recorder,
    log,
    clock,
    now: () => new Date(clock.now()),
    options: {
      allocateNodeCIDRs: false,
      nodeMonitorGracePeriodMs: 40_000,
      podEvictionTimeoutMs: 300_000,
      workers: 0,
      ...options.options,
    },
  };
  return {
    context,
    api,
    client,
    informers,
    events,
    clock,
    logs,
    async synced() {
      await informers.synced();
      api.clearActions();
    },
    close: () => informers.stop(),
  };
}
