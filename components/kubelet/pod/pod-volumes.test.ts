// Volume contents on disk: the kube-api-access projected volume (token bound to the pod, root
// CA, namespace) written atomically and renewed when the token manager says so (injected clock),
// configMap/secret items and modes, and upstream's errors for missing objects and keys.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConfigMap, Pod, Secret } from "kubernetes-types/core/v1";
import type { ObjectSource, TokenRequestSpec } from "./object-source.ts";
import { prepareVolumes, VolumeError } from "./pod-volumes.ts";
import { TokenManager } from "./token-manager.ts";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kt-vol-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const T0 = Date.parse("2026-12-07T10:00:00Z");

function source(now: () => number) {
  const requests: { ns: string; name: string; spec: TokenRequestSpec }[] = [];
  const configMaps: Record<string, ConfigMap> = {
    "kube-root-ca.crt": {
      metadata: { name: "kube-root-ca.crt" },
      data: { "ca.crt": "-----BEGIN CERTIFICATE-----\n" },
    },
    app: {
      metadata: { name: "app" },
      data: { a: "1", b: "2" },
      binaryData: { bin: Buffer.from([0, 1, 2]).toString("base64") },
    },
  };
  const secrets: Record<string, Secret> = {
    creds: { metadata: { name: "creds" }, data: { user: btoa("admin") } },
  };
  let n = 0;
  const tokens = new TokenManager({
    now: () => new Date(now()),
    random: () => 0,
    fetch: async (ns, name, spec) => {
      requests.push({ ns, name, spec });
      n++;
      return {
        token: `token-${n}`,
        expirationTimestamp: new Date(now() + spec.expirationSeconds * 1000),
        spec,
      };
    },
  });
  const objects: ObjectSource = {
    configMap: async (_ns, name) => configMaps[name],
    secret: async (_ns, name) => secrets[name],
    services: async () => [],
    serviceAccountToken: (ns, name, spec) => tokens.serviceAccountToken(ns, name, spec),
  };
  return { objects, requests, configMaps };
}

const pod = (volumes: NonNullable<Pod["spec"]>["volumes"]): Pod => ({
  metadata: { name: "web", namespace: "shop", uid: "pod-uid-1" },
  spec: { serviceAccountName: "builder", containers: [{ name: "c" }], volumes },
});

const kubeApiAccess = {
  name: "kube-api-access-x7k2p",
  projected: {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { path: "token", expirationSeconds: 3607 } },
      { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
      {
        downwardAPI: {
          items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }],
        },
      },
    ],
  },
};

test("kube-api-access: token bound to the pod, ca.crt and namespace; renewed when due", async () => {
  let now = T0;
  const { objects, requests } = source(() => now);
  const prepared = await prepareVolumes(root, pod([kubeApiAccess]), objects, {});
  const dir = prepared.paths.get("kube-api-access-x7k2p") as string;
  expect(dir).toBe(join(root, "pods/pod-uid-1/volumes/kubernetes.io~projected/kube-api-access-x7k2p"));
  expect(readFileSync(join(dir, "token"), "utf8")).toBe("token-1");
  expect(readFileSync(join(dir, "ca.crt"), "utf8")).toBe("-----BEGIN CERTIFICATE-----\n");
  expect(readFileSync(join(dir, "namespace"), "utf8")).toBe("shop");
  expect(statSync(join(dir, "token")).mode & 0o777).toBe(0o644);
  expect(requests).toEqual([
    {
      ns: "shop",
      name: "builder",
      spec: {
        expirationSeconds: 3607,
        boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "web", uid: "pod-uid-1" },
      },
    },
  ]);
  expect(prepared.refreshes).toBe(true);
  // 80% of 3607 s (2885.6 s), plus the second of margin.
  expect(prepared.refreshAt).toBe(T0 + 3607_000 - Math.floor(3607_000 / 5) + 1000);

  const firstGeneration = readlinkSync(join(dir, "..data"));
  now = T0 + 60_000;
  await prepareVolumes(root, pod([kubeApiAccess]), objects, {});
  expect(readlinkSync(join(dir, "..data"))).toBe(firstGeneration);
  expect(requests).toHaveLength(1);

  now = prepared.refreshAt;
  const again = await prepareVolumes(root, pod([kubeApiAccess]), objects, {});
  expect(requests).toHaveLength(2);
  expect(readFileSync(join(dir, "token"), "utf8")).toBe("token-2");
  expect(readlinkSync(join(dir, "..data"))).not.toBe(firstGeneration);
  expect(again.refreshAt).toBeGreaterThan(now);
});

test("an audience on the projection is asked for; no token source is a mount error", async () => {
  const { objects, requests } = source(() => T0);
  await prepareVolumes(
    root,
    pod([
      { name: "vault", projected: { sources: [{ serviceAccountToken: { path: "t", audience: "vault" } }] } },
    ]),
    objects,
    {},
  );
  expect(requests[0]?.spec).toEqual({
    audiences: ["vault"],
    expirationSeconds: 3600,
    boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "web", uid: "pod-uid-1" },
  });
  const { serviceAccountToken: _, ...standalone } = objects;
  await expect(prepareVolumes(root, pod([kubeApiAccess]), standalone, {})).rejects.toThrow(VolumeError);
});

test("configMap and secret volumes: items, modes, binary data; edits show up on the next call", async () => {
  const { objects, configMaps } = source(() => T0);
  const volumes = [
    { name: "cfg", configMap: { name: "app", items: [{ key: "a", path: "dir/a.txt", mode: 0o600 }] } },
    { name: "all", configMap: { name: "app" } },
    { name: "sec", secret: { secretName: "creds", defaultMode: 0o400 } },
  ];
  const { paths } = await prepareVolumes(root, pod(volumes), objects, {});
  const cfg = paths.get("cfg") as string;
  expect(readFileSync(join(cfg, "dir/a.txt"), "utf8")).toBe("1");
  expect(statSync(join(cfg, "dir/a.txt")).mode & 0o777).toBe(0o600);
  const all = paths.get("all") as string;
  expect([...readFileSync(join(all, "bin"))]).toEqual([0, 1, 2]);
  expect(readFileSync(join(all, "b"), "utf8")).toBe("2");
  const sec = paths.get("sec") as string;
  expect(readFileSync(join(sec, "user"), "utf8")).toBe("admin");
  expect(statSync(join(sec, "user")).mode & 0o777).toBe(0o400);

  (configMaps.app as ConfigMap).data = { a: "changed", b: "2" };
  await prepareVolumes(root, pod(volumes), objects, {});
  expect(readFileSync(join(cfg, "dir/a.txt"), "utf8")).toBe("changed");
});

test("missing objects and keys fail with upstream's words unless optional", async () => {
  const { objects } = source(() => T0);
  const fail = (volume: object) => prepareVolumes(root, pod([volume as never]), objects, {});
  await expect(fail({ name: "v", configMap: { name: "nope" } })).rejects.toThrow(
    'MountVolume.SetUp failed for volume "v" : configmap "nope" not found',
  );
  await expect(
    fail({ name: "v", configMap: { name: "app", items: [{ key: "zz", path: "z" }] } }),
  ).rejects.toThrow("configmap references non-existent config key: zz");
  await expect(
    fail({ name: "v", secret: { secretName: "creds", items: [{ key: "zz", path: "z" }] } }),
  ).rejects.toThrow("references non-existent secret key: zz");
  const ok = await fail({ name: "v", configMap: { name: "nope", optional: true } });
  expect(ok.paths.has("v")).toBe(true);
});

test("without files (the fake runtime): sources are resolved and fail as upstream, nothing is written or refreshed", async () => {
  const { objects, requests } = source(() => T0);
  const volumes = [
    kubeApiAccess,
    { name: "cfg", configMap: { name: "app" } },
    { name: "scratch", emptyDir: {} },
    { name: "host", hostPath: { path: join(root, "no-such-dir"), type: "Directory" } },
  ];
  const prepared = await prepareVolumes(root, pod(volumes), objects, {}, false);
  expect([...prepared.paths.keys()]).toEqual(["kube-api-access-x7k2p", "cfg", "scratch", "host"]);
  expect(prepared.paths.get("host")).toBe(join(root, "no-such-dir"));
  expect(prepared.refreshes).toBe(false);
  expect(prepared.refreshAt).toBe(Number.POSITIVE_INFINITY);
  // No token is requested: nothing would read it.
  expect(requests).toEqual([]);
  expect(readdirSync(root)).toEqual([]);
  await expect(
    prepareVolumes(root, pod([{ name: "v", configMap: { name: "nope" } }]), objects, {}, false),
  ).rejects.toThrow('MountVolume.SetUp failed for volume "v" : configmap "nope" not found');
  expect(readdirSync(root)).toEqual([]);
});
