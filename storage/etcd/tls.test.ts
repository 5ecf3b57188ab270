// etcd over TLS: `kube etcd` with a serving certificate and --client-cert-auth against the real
// etcdctl (--cacert --cert --key) and kube's client; kube's client against a real etcd started
// with TLS flags. Certificates come from the openssl CLI; every process and dir is removed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EtcdServer, startEtcd } from "../../components/etcd/server.ts";
import { etcdctlBinary, realEtcdOrSkip, startRealEtcd } from "../../test/harness/etcd.ts";
import { makeTestPki, type TestPair, type TestPki } from "../../test/harness/openssl-pki.ts";
import { bytes, text } from "../keys.ts";
import { openSqliteKV, type SqliteKV } from "../sqlite/sqlite-kv.ts";
import { connectEtcd } from "./client.ts";

let pki: TestPki;
let server: TestPair;
let client: TestPair;
let dir: string;
let store: SqliteKV;
let etcd: EtcdServer;

beforeAll(async () => {
  pki = makeTestPki();
  server = pki.issue("etcd-server");
  client = pki.issue("kube-apiserver-etcd-client", { organizations: ["system:masters"] });
  dir = await mkdtemp(join(tmpdir(), "kt-etcd-tls-"));
  store = await openSqliteKV({ dataDir: dir });
  etcd = await startEtcd({
    kv: store,
    listenClientUrls: ["https://127.0.0.1:0"],
    tls: {
      certPem: server.certPem,
      keyPem: server.keyPem,
      trustedCaPem: pki.ca.certPem,
      clientCertAuth: true,
    },
  });
});

afterAll(async () => {
  await etcd?.stop();
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  pki?.remove();
});

async function etcdctl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const binary = etcdctlBinary();
  if (!binary) throw new Error("etcdctl is not installed");
  const proc = Bun.spawn(
    [binary, `--endpoints=${etcd.urls[0]}`, "--command-timeout=3s", "--dial-timeout=2s", ...args],
    {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, ETCDCTL_API: "3" },
    },
  );
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

describe("kube etcd serving TLS", () => {
  test("serves an https:// URL", () => {
    expect(etcd.urls[0]).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  test("etcdctl with --cacert --cert --key writes and reads", async () => {
    if (!realEtcdOrSkip("etcdctl against kube etcd over TLS")) return;
    const tls = [`--cacert=${pki.ca.certFile}`, `--cert=${client.certFile}`, `--key=${client.keyFile}`];
    const put = await etcdctl([...tls, "put", "/kt/tls", "over-tls"]);
    expect(put.stderr).toBe("");
    expect(put.stdout.trim()).toBe("OK");
    const get = await etcdctl([...tls, "get", "/kt/tls", "--print-value-only"]);
    expect(get.stdout.trim()).toBe("over-tls");
  });

  test("etcdctl without a client certificate, or with one from another CA, or trusting another CA, is refused", async () => {
    if (!realEtcdOrSkip("etcdctl against kube etcd over TLS")) return;
    const noCert = await etcdctl([`--cacert=${pki.ca.certFile}`, "get", "/kt/tls"]);
    expect(noCert.code).not.toBe(0);
    const other = makeTestPki();
    try {
      const stranger = other.issue("stranger");
      const foreign = await etcdctl([
        `--cacert=${pki.ca.certFile}`,
        `--cert=${stranger.certFile}`,
        `--key=${stranger.keyFile}`,
        "get",
        "/kt/tls",
      ]);
      expect(foreign.code).not.toBe(0);
      const wrongCa = await etcdctl([
        `--cacert=${other.ca.certFile}`,
        `--cert=${client.certFile}`,
        `--key=${client.keyFile}`,
        "get",
        "/kt/tls",
      ]);
      expect(wrongCa.code).not.toBe(0);
    } finally {
      other.remove();
    }
  }, 30_000);

  test("kube's client with --etcd-cafile/--etcd-certfile/--etcd-keyfile; without the certificate it cannot connect", async () => {
    const kv = await connectEtcd({
      endpoints: etcd.urls,
      caPem: pki.ca.certPem,
      certPem: client.certPem,
      keyPem: client.keyPem,
    });
    try {
      await kv.put(bytes("/kt/client"), bytes("v"));
      expect(text((await kv.range({ key: bytes("/kt/client") })).kvs[0]?.value ?? bytes(""))).toBe("v");
    } finally {
      await kv.close();
    }
    await expect(
      connectEtcd({ endpoints: etcd.urls, caPem: pki.ca.certPem, connectTimeoutMs: 1500 }),
    ).rejects.toThrow(/cannot reach .*\(TLS: .*CERTIFICATE_REQUIRED/);
    // A server the client's CA did not sign, or whose certificate names another host, is refused.
    const other = makeTestPki();
    try {
      await expect(
        connectEtcd({
          endpoints: etcd.urls,
          caPem: other.ca.certPem,
          certPem: client.certPem,
          keyPem: client.keyPem,
          connectTimeoutMs: 1500,
        }),
      ).rejects.toThrow(/cannot reach .*\(TLS: .*(self.signed|unable to verify|unknown ca)/i);
    } finally {
      other.remove();
    }
    const misnamed = pki.issue("misnamed-server", { sans: ["DNS:etcd.example"] });
    const wrongName = await startEtcd({
      kv: store,
      listenClientUrls: ["https://127.0.0.1:0"],
      tls: { certPem: misnamed.certPem, keyPem: misnamed.keyPem },
    });
    try {
      await expect(
        connectEtcd({ endpoints: wrongName.urls, caPem: pki.ca.certPem, connectTimeoutMs: 1500 }),
      ).rejects.toThrow(/cannot reach .*\(TLS: .*IP: 127\.0\.0\.1 is not in the cert's list/);
    } finally {
      await wrongName.stop();
    }
    // Plain gRPC to the TLS port does not get through either.
    const plain = (etcd.urls[0] ?? "").replace("https://", "http://");
    await expect(connectEtcd({ endpoints: [plain], connectTimeoutMs: 1500 })).rejects.toThrow(/cannot reach/);
  }, 30_000);

  test("an https:// URL without a certificate is refused with etcd's message; half a key pair too", async () => {
    await expect(startEtcd({ kv: store, listenClientUrls: ["https://127.0.0.1:0"] })).rejects.toThrow(
      "TLS key/cert (--cert-file, --key-file) must be provided for client url https://127.0.0.1:0 with HTTPS scheme",
    );
    await expect(
      startEtcd({
        kv: store,
        listenClientUrls: ["https://127.0.0.1:0"],
        tls: { certPem: server.certPem, keyPem: server.keyPem, clientCertAuth: true },
      }),
    ).rejects.toThrow("--client-cert-auth needs --trusted-ca-file");
    await expect(connectEtcd({ endpoints: etcd.urls, certPem: client.certPem })).rejects.toThrow(
      "a client certificate needs its key",
    );
  });
});

test("kube's client against a real etcd started with --cert-file --key-file --trusted-ca-file --client-cert-auth", async () => {
  if (!realEtcdOrSkip("kube's etcd client against a real etcd over TLS")) return;
  const real = await startRealEtcd({
    tls: {
      certFile: server.certFile,
      keyFile: server.keyFile,
      trustedCaFile: pki.ca.certFile,
      clientCertAuth: true,
    },
  });
  try {
    expect(real.endpoint).toStartWith("https://");
    const kv = await connectEtcd({
      endpoints: [real.endpoint],
      caPem: pki.ca.certPem,
      certPem: client.certPem,
      keyPem: client.keyPem,
    });
    try {
      const put = await kv.put(bytes("/kt/real"), bytes("tls"));
      expect(put.revision).toBeGreaterThan(1);
      expect(text((await kv.range({ key: bytes("/kt/real") })).kvs[0]?.value ?? bytes(""))).toBe("tls");
    } finally {
      await kv.close();
    }
    await expect(
      connectEtcd({ endpoints: [real.endpoint], caPem: pki.ca.certPem, connectTimeoutMs: 1500 }),
    ).rejects.toThrow(/cannot reach .*\(TLS: .*(CERTIFICATE_REQUIRED|BAD_CERTIFICATE)/i);
  } finally {
    await real.stop();
  }
}, 60_000);
