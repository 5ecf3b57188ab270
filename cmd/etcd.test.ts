// `kube etcd`'s TLS flags: etcd's checks as usage errors (exit 2, one line), and a real run from
// source serving https:// with --client-cert-auth to the real etcdctl.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { etcdctlBinary, realEtcdOrSkip } from "../test/harness/etcd.ts";
import { spawnKube } from "../test/harness/kube-process.ts";
import { makeTestPki, type TestPair, type TestPki } from "../test/harness/openssl-pki.ts";
import { etcdCommand } from "./etcd.ts";

let pki: TestPki;
let server: TestPair;
let dir: string;

beforeAll(() => {
  pki = makeTestPki();
  server = pki.issue("etcd-server");
  dir = mkdtempSync(join(tmpdir(), "kt-etcd-cmd-"));
});

afterAll(() => {
  pki?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test.each([
  [
    ["--listen-client-urls=https://127.0.0.1:0"],
    "TLS key/cert (--cert-file, --key-file) must be provided for client url https://127.0.0.1:0 with HTTPS scheme",
  ],
  [
    ["--listen-client-urls=https://127.0.0.1:0", "--cert-file=/c.pem"],
    "--cert-file and --key-file go together",
  ],
  [["--client-cert-auth"], "--trusted-ca-file and --client-cert-auth need --cert-file and --key-file"],
  [
    ["--listen-client-urls=https://127.0.0.1:0", "--cert-file=C", "--key-file=K", "--client-cert-auth"],
    "--client-cert-auth needs --trusted-ca-file",
  ],
  [["--cert-file=C", "--key-file=K"], "no --listen-client-urls is https://"],
  [
    ["--listen-client-urls=https://127.0.0.1:0", "--cert-file=/kt-missing.crt", "--key-file=/kt-missing.key"],
    "--cert-file: cannot read /kt-missing.crt",
  ],
  [
    ["--listen-client-urls=ftp://127.0.0.1:0"],
    'unsupported URL "ftp://127.0.0.1:0" in --listen-client-urls: only http://, https:// and unix://',
  ],
])("usage error: %p", async (args, message) => {
  const run = etcdCommand.run([`--data-dir=${join(dir, "never")}`, ...args], "kube etcd");
  await expect(run).rejects.toThrow(message);
  await expect(run).rejects.toMatchObject({ name: "UsageError" });
});

test("kube etcd --cert-file --key-file --trusted-ca-file --client-cert-auth serves etcdctl over https", async () => {
  if (!realEtcdOrSkip("etcdctl against kube etcd over TLS")) return;
  const client = pki.issue("etcdctl");
  const proc = spawnKube([
    process.execPath,
    join(import.meta.dir, "main.ts"),
    "etcd",
    `--data-dir=${join(dir, "data")}`,
    "--listen-client-urls=https://127.0.0.1:0",
    `--cert-file=${server.certFile}`,
    `--key-file=${server.keyFile}`,
    `--trusted-ca-file=${pki.ca.certFile}`,
    "--client-cert-auth",
  ]);
  try {
    const [, url] = await proc.waitFor(
      /serving the etcd v3 API on (https:\/\/127\.0\.0\.1:\d+);.*client certificates required/,
      20_000,
    );
    const etcdctl = (...args: string[]) =>
      Bun.spawnSync(
        [
          etcdctlBinary() as string,
          `--endpoints=${url}`,
          "--dial-timeout=3s",
          "--command-timeout=3s",
          ...args,
        ],
        {
          env: { ...process.env, ETCDCTL_API: "3" },
        },
      );
    const tls = [`--cacert=${pki.ca.certFile}`, `--cert=${client.certFile}`, `--key=${client.keyFile}`];
    expect(
      etcdctl(...tls, "put", "/kt/cmd", "yes")
        .stdout.toString()
        .trim(),
    ).toBe("OK");
    expect(
      etcdctl(...tls, "get", "/kt/cmd", "--print-value-only")
        .stdout.toString()
        .trim(),
    ).toBe("yes");
    expect(etcdctl(`--cacert=${pki.ca.certFile}`, "get", "/kt/cmd").exitCode).not.toBe(0);
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
  }
}, 60_000);
