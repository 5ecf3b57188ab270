// kubeImageArgv(): the hyperkube image's commands run this kube executable; other images and
// other commands are left alone.

import { expect, test } from "bun:test";
import { isKubeImage, kubeImageArgv } from "./kube-image-argv.ts";

const exe = ["/opt/kt/kube"];

test("the kube image's names: kube, hyperkube, gcr.io, k8s.gcr.io and registry.k8s.io hyperkube", () => {
  for (const image of [
    "kube",
    "kube:latest",
    "hyperkube",
    "gcr.io/google_containers/hyperkube:v1.0.1",
    "k8s.gcr.io/hyperkube:v1.18.0",
    "k8s.gcr.io/hyperkube-amd64:v1.18.0",
    "registry.k8s.io/hyperkube-arm64:v1.18.0",
  ])
    expect(isKubeImage(image)).toBe(true);
  for (const image of [
    "nginx",
    "busybox",
    "gcr.io/google_containers/etcd:2.0.12",
    "hyperkubex",
    "kubernetes",
  ])
    expect(isKubeImage(image)).toBe(false);
});

test("/hyperkube, /kube, kube and hyperkube with a subcommand run kube", () => {
  for (const first of ["/hyperkube", "/kube", "kube", "hyperkube"])
    expect(
      kubeImageArgv("gcr.io/google_containers/hyperkube:v1.0.1", [first, "apiserver", "--v=2"], exe),
    ).toEqual(["/opt/kt/kube", "apiserver", "--v=2"]);
});

test("the upstream binary names run their component", () => {
  expect(kubeImageArgv("kube", ["/usr/local/bin/kube-apiserver", "--etcd-servers=x"], exe)).toEqual([
    "/opt/kt/kube",
    "apiserver",
    "--etcd-servers=x",
  ]);
  expect(kubeImageArgv("hyperkube", ["kube-controller-manager"], ["bun", "main.ts"])).toEqual([
    "bun",
    "main.ts",
    "controller-manager",
  ]);
});

test("other commands of the kube image, and every command of other images, are unchanged", () => {
  expect(kubeImageArgv("kube", ["/bin/sh", "-c", "true"], exe)).toEqual(["/bin/sh", "-c", "true"]);
  expect(kubeImageArgv("kube", ["/opt/kt/kube", "scheduler"], exe)).toEqual(["/opt/kt/kube", "scheduler"]);
  expect(kubeImageArgv("busybox", ["/hyperkube", "apiserver"], exe)).toEqual(["/hyperkube", "apiserver"]);
  expect(kubeImageArgv("kube", [], exe)).toEqual([]);
});
