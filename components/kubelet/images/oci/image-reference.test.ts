import { describe, expect, test } from "bun:test";
import {
  InvalidReferenceError,
  parseImageReference,
  referenceString,
  registryHost,
} from "./image-reference.ts";

const sha = `sha256:${"ab".repeat(32)}`;

describe("parseImageReference", () => {
  test("normalises as docker does", () => {
    const cases: [string, string][] = [
      ["busybox", "docker.io/library/busybox:latest"],
      ["busybox:1.36", "docker.io/library/busybox:1.36"],
      ["bitnami/nginx", "docker.io/bitnami/nginx:latest"],
      ["docker.io/busybox", "docker.io/library/busybox:latest"],
      ["index.docker.io/library/busybox:1", "docker.io/library/busybox:1"],
      ["localhost/app", "localhost/app:latest"],
      ["localhost:5000/x", "localhost:5000/x:latest"],
      ["127.0.0.1:5000/ns/name:tag", "127.0.0.1:5000/ns/name:tag"],
      ["registry.k8s.io/pause:3.9", "registry.k8s.io/pause:3.9"],
      [`registry:5000/ns/name:tag@${sha}`, `registry:5000/ns/name:tag@${sha}`],
      [`busybox@${sha}`, `docker.io/library/busybox@${sha}`],
      ["a.b-c/d__e.f/g--h:T_1.x-y", "a.b-c/d__e.f/g--h:T_1.x-y"],
      ["[::1]:5000/x:1", "[::1]:5000/x:1"],
    ];
    for (const [input, want] of cases) expect(referenceString(parseImageReference(input))).toBe(want);
  });

  test("Docker Hub is reached at registry-1.docker.io; other hosts as written", () => {
    expect(registryHost(parseImageReference("busybox"))).toBe("registry-1.docker.io");
    expect(registryHost(parseImageReference("localhost:5000/x"))).toBe("localhost:5000");
  });

  test("bad references fail with docker's messages", () => {
    const bad: [string, string][] = [
      ["", "invalid reference format: repository name must have at least one component"],
      ["Busybox", "invalid reference format: repository name (library/Busybox) must be lowercase"],
      ["busybox:", "invalid reference format"],
      ["busybox:-x", "invalid reference format"],
      [`busybox:${"t".repeat(129)}`, "invalid reference format"],
      ["bad host!/x", "invalid reference format"],
      ["x//y", "invalid reference format: repository name must have at least one component"],
      ["x/../y", "invalid reference format"],
      ["busybox@sha256:abc", "invalid reference format"],
      [`busybox@sha512:${"a".repeat(128)}`, `unsupported digest algorithm: sha512:${"a".repeat(128)}`],
      [`busybox@sha256:${"a".repeat(63)}`, "invalid checksum digest length"],
      [
        `${"a".repeat(250)}/x`,
        "invalid reference format: repository name must not be more than 255 characters",
      ],
      [" busybox", "invalid reference format"],
    ];
    for (const [input, message] of bad) {
      let caught: unknown;
      try {
        parseImageReference(input);
      } catch (error) {
        caught = error;
      }
      expect(caught, input).toBeInstanceOf(InvalidReferenceError);
      expect((caught as Error).message, input).toBe(message);
    }
  });
});
