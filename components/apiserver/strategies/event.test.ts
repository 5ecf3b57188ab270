import { describe, expect, test } from "bun:test";
import { eventStrategy, eventsV1Strategy } from "./event.ts";
import { created, createErrors } from "./strategy-harness.ts";

const event = {
  metadata: { name: "web.1", namespace: "default" },
  involvedObject: {
    kind: "Pod",
    namespace: "default",
    name: "web",
    uid: "u1",
    apiVersion: "v1",
    fieldPath: "spec.containers{web}",
  },
  reason: "Pulled",
  message: "pulled",
  source: { component: "kubelet", host: "n1" },
  type: "Normal",
  count: 1,
};

describe("core/v1 event", () => {
  test("zero fields and field selectors", () => {
    const obj = created(eventStrategy, event);
    expect(obj.eventTime).toBeNull();
    expect(obj.reportingComponent).toBe("");
    expect(eventStrategy.validate?.(obj)).toEqual([]);
    expect(eventStrategy.fields?.(obj)).toEqual({
      "involvedObject.kind": "Pod",
      "involvedObject.namespace": "default",
      "involvedObject.name": "web",
      "involvedObject.uid": "u1",
      "involvedObject.apiVersion": "v1",
      "involvedObject.resourceVersion": "",
      "involvedObject.fieldPath": "spec.containers{web}",
      reason: "Pulled",
      reportingComponent: "",
      source: "kubelet",
      type: "Normal",
    });
  });

  test("namespace agreement", () => {
    const e = structuredClone(event);
    e.involvedObject.namespace = "other";
    expect(createErrors(eventStrategy, e)).toEqual([
      'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
    ]);
    const node = structuredClone(event);
    node.involvedObject = {
      kind: "Node",
      namespace: "",
      name: "n1",
      uid: "n1",
      apiVersion: "v1",
      fieldPath: "",
    };
    expect(createErrors(eventStrategy, node)).toEqual([]);
  });

  test("new-style core events need reporting fields", () => {
    expect(createErrors(eventStrategy, { ...event, eventTime: "2026-01-01T00:00:00.000000Z" })).toEqual([
      "reportingComponent: Required value",
      "reportingInstance: Required value",
      "action: Required value",
    ]);
  });
});

describe("events.k8s.io/v1 event (stored in the core shape)", () => {
  test("required fields use the v1 names", () => {
    expect(
      createErrors(eventsV1Strategy, { metadata: { name: "e", namespace: "default" }, type: "Sometimes" }),
    ).toEqual(["eventTime: Required value", 'type: Invalid value: "": has invalid value: Sometimes']);
    expect(
      createErrors(eventsV1Strategy, {
        metadata: { name: "e", namespace: "default" },
        eventTime: "2026-01-01T00:00:00.000000Z",
        type: "Normal",
        involvedObject: { kind: "Pod", name: "p", namespace: "default" },
        count: 2,
      }),
    ).toEqual([
      "reportingController: Required value",
      "reportingInstance: Required value",
      "action: Required value",
      "reason: Required value",
      'deprecatedCount: Invalid value: "": needs to be unset',
    ]);
  });

  test("field selectors use the v1 labels", () => {
    const obj = created(eventsV1Strategy, { ...event, reportingComponent: "kubelet" });
    expect(eventsV1Strategy.fields?.(obj)).toMatchObject({
      "regarding.name": "web",
      reportingController: "kubelet",
      reason: "Pulled",
    });
  });
});
