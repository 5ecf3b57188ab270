import { expect, test } from "bun:test";
import { defaultPullPolicy, imageTag } from "./image-pull-policy.ts";

test("image tags as ParseImageName sees them", () => {
  expect(imageTag("nginx")).toBe("latest");
  expect(imageTag("nginx:latest")).toBe("latest");
  expect(imageTag("nginx:1.27")).toBe("1.27");
  expect(imageTag("localhost:5000/app")).toBe("latest");
  expect(imageTag("registry.k8s.io/pause:3.10")).toBe("3.10");
  expect(imageTag(`busybox@sha256:${"a".repeat(64)}`)).toBe("");
  expect(imageTag("Nginx")).toBe("");
  expect(imageTag("")).toBe("");
});

test("pull policy defaults", () => {
  expect(defaultPullPolicy("nginx")).toBe("Always");
  expect(defaultPullPolicy("nginx:latest")).toBe("Always");
  expect(defaultPullPolicy("nginx:1.27")).toBe("IfNotPresent");
  expect(defaultPullPolicy(undefined)).toBe("IfNotPresent");
  expect(defaultPullPolicy(42)).toBe("IfNotPresent");
});
