// Cases ported from upstream printers_test.go (TestPrintDeployment, TestPrintDaemonSet, TestPrintReplicaSet,
// TestPrintControllerRevision, TestPrintStatefulSet).

import { expect, test } from "bun:test";
import type {
  ControllerRevision,
  DaemonSet,
  Deployment,
  ReplicaSet,
  StatefulSet,
} from "kubernetes-types/apps/v1";
import {
  controllerRevisionPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  replicaSetPrinter,
  statefulSetPrinter,
} from "./apps-printers.ts";

const now = new Date("2024-06-01T12:00:00Z");
const justNow = new Date(now.getTime() + 1900).toISOString();
const template = {
  spec: {
    containers: [
      { name: "fake-container1", image: "fake-image1" },
      { name: "fake-container2", image: "fake-image2" },
    ],
  },
};
const selector = { matchLabels: { foo: "bar" } };

test("Deployment: READY ready/desired, integers for UP-TO-DATE and AVAILABLE", () => {
  const d: Deployment = {
    metadata: { name: "test1", creationTimestamp: justNow },
    spec: { replicas: 5, template, selector },
    status: { replicas: 10, updatedReplicas: 2, availableReplicas: 1, unavailableReplicas: 4 },
  };
  expect(deploymentPrinter.print(d, now).cells).toEqual([
    "test1",
    "0/5",
    2,
    1,
    "0s",
    "fake-container1,fake-container2",
    "fake-image1,fake-image2",
    "foo=bar",
  ]);
  expect(deploymentPrinter.columns.map((c) => [c.name, c.type, c.priority])).toEqual([
    ["Name", "string", 0],
    ["Ready", "string", 0],
    ["Up-to-date", "string", 0],
    ["Available", "string", 0],
    ["Age", "string", 0],
    ["Containers", "string", 1],
    ["Images", "string", 1],
    ["Selector", "string", 1],
  ]);
  const expressions: Deployment = {
    metadata: { name: "x" },
    spec: {
      template: {},
      selector: {
        matchLabels: { app: "web" },
        matchExpressions: [
          { key: "tier", operator: "In", values: ["b", "a"] },
          { key: "legacy", operator: "DoesNotExist" },
          { key: "zone", operator: "NotIn", values: ["z1"] },
          { key: "env", operator: "Exists" },
        ],
      },
    },
  };
  expect(deploymentPrinter.print(expressions, now).cells[7]).toBe(
    "app=web,env,!legacy,tier in (a,b),zone notin (z1)",
  );
  expect(
    deploymentPrinter.print({ metadata: { name: "y" }, spec: { template: {}, selector: {} } }, now).cells[7],
  ).toBe("");
  const bad = {
    metadata: { name: "z" },
    spec: { template: {}, selector: { matchExpressions: [{ key: "k", operator: "Bogus" }] } },
  };
  expect(deploymentPrinter.print(bad, now).cells[7]).toBe("<invalid>");
});

test("ReplicaSet: integer DESIRED, CURRENT, READY", () => {
  const rs: ReplicaSet = {
    metadata: { name: "test1", creationTimestamp: justNow },
    spec: { replicas: 5, template, selector },
    status: { replicas: 5, readyReplicas: 2 },
  };
  expect(replicaSetPrinter.print(rs, now).cells).toEqual([
    "test1",
    5,
    5,
    2,
    "0s",
    "fake-container1,fake-container2",
    "fake-image1,fake-image2",
    "foo=bar",
  ]);
  expect(replicaSetPrinter.columns.slice(1, 4).map((c) => c.type)).toEqual(["integer", "integer", "integer"]);
  const empty: ReplicaSet = { metadata: { name: "e" }, spec: { selector: {} }, status: { replicas: 0 } };
  expect(replicaSetPrinter.print(empty, now).cells).toEqual(["e", 1, 0, 0, "<unknown>", "", "", "<none>"]);
});

test("DaemonSet: counts, NODE SELECTOR and selector", () => {
  const ds: DaemonSet = {
    metadata: { name: "test1", creationTimestamp: justNow },
    spec: { template, selector },
    status: {
      currentNumberScheduled: 2,
      desiredNumberScheduled: 3,
      numberReady: 1,
      updatedNumberScheduled: 2,
      numberAvailable: 0,
      numberMisscheduled: 0,
    },
  };
  expect(daemonSetPrinter.print(ds, now).cells).toEqual([
    "test1",
    3,
    2,
    1,
    2,
    0,
    "<none>",
    "0s",
    "fake-container1,fake-container2",
    "fake-image1,fake-image2",
    "foo=bar",
  ]);
  const withNodeSelector: DaemonSet = {
    metadata: { name: "ds" },
    spec: { selector, template: { spec: { containers: [], nodeSelector: { "kubernetes.io/os": "linux" } } } },
  };
  expect(daemonSetPrinter.print(withNodeSelector, now).cells[6]).toBe("kubernetes.io/os=linux");
});

test("StatefulSet: READY ready/desired", () => {
  const ss: StatefulSet = {
    metadata: { name: "web", creationTimestamp: justNow },
    spec: { replicas: 3, template, selector, serviceName: "web" },
    status: { replicas: 3, readyReplicas: 2 },
  };
  expect(statefulSetPrinter.print(ss, now).cells).toEqual([
    "web",
    "2/3",
    "0s",
    "fake-container1,fake-container2",
    "fake-image1,fake-image2",
  ]);
});

test("ControllerRevision: CONTROLLER as kind.group/name of the controlling owner", () => {
  const cr = (
    name: string,
    ownerReferences: NonNullable<ControllerRevision["metadata"]>["ownerReferences"],
    revision: number,
  ) =>
    controllerRevisionPrinter.print(
      { metadata: { name, creationTimestamp: justNow, ownerReferences }, revision },
      now,
    ).cells;
  expect(
    cr("test1", [{ controller: true, apiVersion: "apps/v1", kind: "DaemonSet", name: "foo", uid: "u" }], 1),
  ).toEqual(["test1", "daemonset.apps/foo", 1, "0s"]);
  expect(cr("test2", [{ controller: false, apiVersion: "", kind: "ABC", name: "foo", uid: "u" }], 2)[1]).toBe(
    "<none>",
  );
  expect(cr("test3", [], 3)[1]).toBe("<none>");
  expect(cr("test4", undefined, 4)[1]).toBe("<none>");
  expect(cr("core", [{ controller: true, apiVersion: "v1", kind: "Pod", name: "p", uid: "u" }], 1)[1]).toBe(
    "pod/p",
  );
});
