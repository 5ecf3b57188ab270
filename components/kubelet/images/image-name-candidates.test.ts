import { describe, expect, test } from "bun:test";
import { imageNameCandidates, repositoryOf } from "./image-name-candidates.ts";

describe("repositoryOf", () => {
  const cases: [string, string][] = [
    ["nginx", "nginx"],
    ["nginx:1.25", "nginx"],
    ["docker.io/library/nginx:1.25", "nginx"],
    ["library/nginx", "nginx"],
    ["registry.k8s.io/pause:3.9", "pause"],
    ["localhost/app", "app"],
    ["localhost:5000/team/app:v1", "team/app"],
    ["bitnami/nginx", "bitnami/nginx"],
    ["busybox@sha256:abcd", "busybox"],
    ["busybox:1.36@sha256:abcd", "busybox"],
  ];
  for (const [image, want] of cases) test(image, () => expect(repositoryOf(image)).toBe(want));
});

describe("imageNameCandidates", () => {
  test("full reference first, then repository, then its last element", () => {
    expect(imageNameCandidates("nginx:1.25")).toEqual(["nginx:1.25", "nginx"]);
    expect(imageNameCandidates("docker.io/library/nginx:1.25")).toEqual([
      "docker.io_library_nginx:1.25",
      "nginx",
    ]);
    expect(imageNameCandidates("bitnami/nginx")).toEqual(["bitnami_nginx", "nginx"]);
    expect(imageNameCandidates("hello")).toEqual(["hello"]);
  });

  test("never a name that leaves the directory", () => {
    for (const image of ["../../bin/sh", "..", ".", "/etc/passwd", "a/../../b"]) {
      for (const name of imageNameCandidates(image)) {
        expect(name).not.toContain("/");
        expect([".", ".."]).not.toContain(name);
      }
    }
    expect(imageNameCandidates("")).toEqual([]);
    expect(imageNameCandidates("..")).toEqual([]);
  });
});
