// podFromTemplate: upstream GetPodFromTemplate — generateName from the owner, copies (not
// shared references) of labels, annotations, finalizers and spec, the owner as controller.
import { expect, test } from "bun:test";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { podFromTemplate } from "./pod-template.ts";

const owner = {
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  metadata: { name: "web", namespace: "ns", uid: "u1" },
};

test("the pod copies the template and is controlled by the owner", () => {
  const template: PodTemplateSpec = {
    metadata: { labels: { app: "web" }, annotations: { a: "1" }, finalizers: ["f"] },
    spec: { containers: [{ name: "c", image: "i" }] },
  };
  const pod = podFromTemplate(template, owner);
  expect(pod.metadata).toEqual({
    generateName: "web-",
    namespace: "ns",
    labels: { app: "web" },
    annotations: { a: "1" },
    finalizers: ["f"],
    ownerReferences: [
      {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        name: "web",
        uid: "u1",
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  });
  pod.metadata.labels.extra = "x";
  pod.spec.containers[0] = { name: "changed" };
  expect(template.metadata?.labels).toEqual({ app: "web" });
  expect(template.spec?.containers[0]?.name).toBe("c");
});

test("a missing template gives an empty pod with no containers", () => {
  const pod = podFromTemplate(undefined, owner);
  expect(pod.spec).toEqual({ containers: [] });
  expect(pod.metadata.labels).toEqual({});
  expect(pod.metadata.annotations).toBeUndefined();
});
