import { describe, expect, test } from "bun:test";
import { messageTypeFor, supportedKinds } from "./message-type-for.ts";

describe("messageTypeFor", () => {
  test("every served kind has a message in its group's package", () => {
    for (const { apiVersion, kind } of supportedKinds()) {
      const type = messageTypeFor(apiVersion, kind);
      expect(type?.name).toBe(kind);
    }
    expect(messageTypeFor("v1", "Pod")?.fullName).toBe(".k8s.io.api.core.v1.Pod");
    expect(messageTypeFor("rbac.authorization.k8s.io/v1", "Role")?.fullName).toBe(".k8s.io.api.rbac.v1.Role");
    expect(messageTypeFor("autoscaling/v2", "HorizontalPodAutoscaler")?.fullName).toBe(
      ".k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler",
    );
  });

  test("options kinds are accepted in every group/version, nothing else is", () => {
    expect(messageTypeFor("batch/v1", "DeleteOptions")?.fullName).toBe(
      ".k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions",
    );
    expect(messageTypeFor("meta.k8s.io/v1", "DeleteOptions")).toBeDefined();
    expect(messageTypeFor("example.com/v1", "DeleteOptions")).toBeUndefined();
    expect(messageTypeFor("apps/v1beta1", "Deployment")).toBeUndefined();
    expect(messageTypeFor("v1", "PodSpec")).toBeUndefined();
    expect(messageTypeFor("v1", "toString")).toBeUndefined();
    expect(messageTypeFor("__proto__", "Pod")).toBeUndefined();
  });
});
