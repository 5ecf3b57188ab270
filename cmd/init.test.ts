// kube init in-process: the files kubeadm would write (pki, four kubeconfigs naming the right
// users, four manifests with image kube and hostPath mounts), reused on a second run; bad flags
// are usage errors.

import { afterAll, expect, spyOn, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { loadKubeconfig } from "../lib/client/kubeconfig.ts";
import { parseCertificate } from "../lib/pki/parse-certificate.ts";
import { initCommand } from "./init.ts";

const dir = mkdtempSync(join(tmpdir(), "kt-init-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function init(args: string[]): Promise<{ code: number; err: string[]; out: string[] }> {
  const err: string[] = [];
  const out: string[] = [];
  const e = spyOn(console, "error").mockImplementation((line: string) => err.push(line));
  const o = spyOn(console, "log").mockImplementation((line: string) => out.push(line));
  try {
    return { code: await initCommand.run(args, "kube init"), err, out };
  } finally {
    e.mockRestore();
    o.mockRestore();
  }
}

test("writes pki, the kubeconfigs and the control-plane manifests; a second run reuses them", async () => {
  const args = [
    "--dir",
    dir,
    "--node-name",
    "Kt-Node",
    "--apiserver-bind-port",
    "7443",
    "--etcd-port",
    "7379",
  ];
  const first = await init(args);
  expect(first.code).toBe(0);
  expect(first.err[0]).toMatch(/^kube init: \[certs\] wrote \d+ files in /);
  expect(first.out.join("\n")).toContain(`--kubeconfig ${join(dir, "kubelet.conf")} --node-name kt-node`);
  const users: Record<string, string> = {
    "admin.conf": "kubernetes-admin",
    "controller-manager.conf": "system:kube-controller-manager",
    "scheduler.conf": "system:kube-scheduler",
    "kubelet.conf": "system:node:kt-node",
  };
  for (const [file, user] of Object.entries(users)) {
    const config = loadKubeconfig(join(dir, file));
    expect(config.server).toBe("https://127.0.0.1:7443");
    expect(config.certPem).toContain("BEGIN CERTIFICATE");
    expect(readFileSync(join(dir, file), "utf8")).toContain(`user: ${user}`);
    expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
  }
  const apiserver = parse(readFileSync(join(dir, "manifests", "kube-apiserver.yaml"), "utf8"));
  expect(apiserver.metadata).toMatchObject({ name: "kube-apiserver", namespace: "kube-system" });
  expect(apiserver.spec.hostNetwork).toBe(true);
  expect(apiserver.spec.containers[0].image).toBe("kube");
  expect(apiserver.spec.containers[0].command).toContain("--etcd-servers=http://127.0.0.1:7379");
  expect(apiserver.spec.volumes[0].hostPath).toEqual({ path: join(dir, "pki"), type: "DirectoryOrCreate" });
  const etcd = parse(readFileSync(join(dir, "manifests", "etcd.yaml"), "utf8"));
  expect(etcd.spec.containers[0].command.slice(0, 2)).toEqual(["kube", "etcd"]);
  const pkiFiles = (): Map<string, string> =>
    new Map(readdirSync(join(dir, "pki")).map((f) => [f, readFileSync(join(dir, "pki", f), "utf8")]));
  const before = pkiFiles();
  const second = await init(args);
  expect(second.code).toBe(0);
  const after = pkiFiles();
  const changed = [...after.keys()].filter((f) => after.get(f) !== before.get(f)).sort();
  const sans = (files: Map<string, string>) =>
    [...parseCertificate(files.get("server.crt") ?? "").sans].sort();
  if (changed.length > 0 && sans(after).join() !== sans(before).join()) {
    // The serving certificate names every address of the host: one that tests running alongside
    // added or removed (a pod bridge) between the two runs has it reissued, and nothing else.
    expect(changed).toEqual(["server.crt", "server.key"]);
    expect(second.err[0]).toContain("[certs] wrote 2 files");
  } else {
    expect(changed).toEqual([]);
    expect(second.err[0]).toContain("[certs] reused the certificates");
  }
  expect(after.get("ca.crt")).toBe(before.get("ca.crt") ?? "");
});

test("--pod-network-cidr makes the controller manager allocate node CIDRs", async () => {
  const d = join(dir, "cidr");
  expect((await init(["--dir", d, "--node-name", "n1", "--pod-network-cidr", "10.244.0.0/16"])).code).toBe(0);
  const cm = parse(readFileSync(join(d, "manifests", "kube-controller-manager.yaml"), "utf8"));
  expect(cm.spec.containers[0].command).toEqual(
    expect.arrayContaining(["--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16"]),
  );
});

test("bad ports and addresses are usage errors naming the flag", async () => {
  await expect(init(["--dir", dir, "--apiserver-bind-port", "http"])).rejects.toThrow("apiserver-bind-port");
  await expect(init(["--dir", dir, "--apiserver-advertise-address", "not-an-ip"])).rejects.toThrow(
    "apiserver-advertise-address",
  );
});
