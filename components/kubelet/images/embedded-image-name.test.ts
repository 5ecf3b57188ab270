import { describe, expect, test } from "bun:test";
import { embeddedImageName } from "./embedded-image-name.ts";

const names = ["hello", "hello-world", "busybox", "nginx", "pause", "kube"];

describe("embeddedImageName", () => {
  const cases: [string, string | undefined][] = [
    ["busybox", "busybox"],
    ["busybox:latest", "busybox"],
    ["busybox:1.36", "busybox"],
    ["library/busybox", "busybox"],
    ["docker.io/library/busybox", "busybox"],
    ["index.docker.io/library/nginx:1.27", "nginx"],
    ["busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000", "busybox"],
    ["registry.k8s.io/pause:3.9", "pause"],
    ["k8s.gcr.io/pause-amd64:3.1", "pause"],
    ["gcr.io/google_containers/hyperkube:v1.2.0", "kube"],
    ["registry.k8s.io/hyperkube-arm64:v1.18.0", "kube"],
    ["kube", "kube"],
    // Another registry's or namespace's image of the same name is that image, not the built-in.
    ["localhost:5000/x/busybox", undefined],
    ["localhost:5000/busybox", undefined],
    ["localhost/busybox", undefined],
    ["example.com/library/busybox", undefined],
    ["bitnami/nginx", undefined],
    ["docker.io/someone/pause", undefined],
    ["quay.io/pause", undefined],
    ["registry.k8s.io/x/pause", undefined],
    // Not a valid reference at all, or no such built-in.
    ["", undefined],
    ["BusyBox", undefined],
    ["python", undefined],
  ];
  for (const [image, want] of cases)
    test(image || "(empty)", () => expect(embeddedImageName(image, names)).toBe(want));

  test("only names in the given list", () => {
    expect(embeddedImageName("busybox", ["pause"])).toBeUndefined();
  });
});
