// createdFieldsV1 against the FieldsV1 the general FieldSet path of updateManagedFields produced
// for the same objects before the create path had its own walk.
import { expect, test } from "bun:test";
import { patchMetaFor } from "../patch/builtin-patch-meta.ts";
import { createdFieldsV1 } from "./created-fields.ts";

test("a pod: created maps are members, implicit structs are not, keyed list items merge by key", () => {
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "d", uid: "u", labels: { app: "a" }, annotations: {} },
    spec: {
      containers: [
        {
          name: "c",
          image: "i",
          ports: [{ containerPort: 80, protocol: "TCP" }],
          env: [
            { name: "A", value: "1" },
            { name: "A", value: "2" },
          ],
          resources: { requests: { cpu: "1" } },
        },
      ],
      nodeSelector: { x: null },
      securityContext: {},
      tolerations: [{ key: "k", operator: "Exists" }],
    },
    status: { phase: "Pending" },
  };
  expect(JSON.stringify(createdFieldsV1(pod, patchMetaFor("v1", "Pod")))).toBe(
    '{"f:metadata":{"f:annotations":{},"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"c\\"}":{".":{},"f:env":{"k:{\\"name\\":\\"A\\"}":{".":{},"f:name":{},"f:value":{}}},"f:image":{},"f:name":{},"f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},"f:resources":{".":{},"f:requests":{".":{},"f:cpu":{}}}}},"f:nodeSelector":{},"f:securityContext":{},"f:tolerations":{}},"f:status":{"f:phase":{}}}',
  );
});

test("set items by value; only server-owned metadata means no fields at all", () => {
  const cm = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "c", finalizers: ["a/b"] },
    data: { k: "v" },
  };
  expect(createdFieldsV1(cm, patchMetaFor("v1", "ConfigMap"))).toEqual({
    "f:data": { ".": {}, "f:k": {} },
    "f:metadata": { "f:finalizers": { 'v:"a/b"': {} } },
  });
  const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "n" } };
  expect(createdFieldsV1(ns, patchMetaFor("v1", "Namespace"))).toBeUndefined();
});
