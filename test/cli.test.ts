// End-to-end tests of the compiled ./kube: help, version, unbuilt subcommands, flag errors,
// multicall through symlinks, and `kube etcd` / `kube server` serving the real etcdctl.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, rm, stat, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import packageJson from "../package.json";
import { apiserverArgv } from "./harness/apiserver-argv.ts";
import { ensureKubeBuilt, kubeBinary } from "./harness/kube-binary.ts";
import { type KubeProcess, spawnKube } from "./harness/kube-process.ts";
import { kubectlFor } from "./harness/kubectl.ts";

const etcdctlPath = "/usr/bin/etcdctl";

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(argv: string[]): RunResult {
  const result = Bun.spawnSync(argv, {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: result.exitCode ?? -1, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

function kube(...args: string[]): RunResult {
  return run([kubeBinary, ...args]);
}

function etcdctl(endpoint: string, ...args: string[]): RunResult {
  return run([etcdctlPath, `--endpoints=${endpoint}`, "--dial-timeout=5s", "--command-timeout=10s", ...args]);
}

function lines(text: string): string[] {
  return text.split("\n").filter((line) => line !== "");
}

const tempDirs: string[] = [];
const processes: KubeProcess[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kt-cli-"));
  tempDirs.push(dir);
  return dir;
}

function start(argv: string[]): KubeProcess {
  const proc = spawnKube(argv);
  processes.push(proc);
  return proc;
}

beforeAll(ensureKubeBuilt, 180_000);

afterAll(async () => {
  for (const proc of processes) proc.kill("SIGKILL");
  await Promise.all(processes.map((proc) => proc.exited));
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const subcommands = [
  "etcd",
  "apiserver",
  "scheduler",
  "controller-manager",
  "kubelet",
  "proxy",
  "dns",
  "server",
  "version",
  "image",
];

/** Flags each subcommand's --help must show, named as upstream names them. */
const expectedFlags: Record<string, string[]> = {
  etcd: [
    "--data-dir",
    "--listen-client-urls",
    "--advertise-client-urls",
    "--name",
    "--max-request-bytes",
    "--fsync",
  ],
  apiserver: [
    "--etcd-servers",
    "--data-dir",
    "--insecure-bind-address",
    "--insecure-port",
    "--service-cluster-ip-range",
  ],
  scheduler: ["--kubeconfig", "--master", "--leader-elect", "--scheduler-name"],
  "controller-manager": [
    "--kubeconfig",
    "--master",
    "--leader-elect",
    "--controllers",
    "--cluster-cidr",
    "--allocate-node-cidrs",
    "--node-monitor-grace-period",
  ],
  kubelet: [
    "--kubeconfig",
    "--node-name",
    "--hostname-override",
    "--pod-manifest-path",
    "--config",
    "--api-servers",
    "--root-dir",
    "--image-dir",
    "--runtime",
    "--port",
  ],
  proxy: [
    "--kubeconfig",
    "--master",
    "--hostname-override",
    "--proxy-mode",
    "--sync-period",
    "--nodeport-addresses",
    "--service-cluster-ip-range",
  ],
  dns: [
    "--kubeconfig",
    "--master",
    "--bind-address",
    "--port",
    "--cluster-domain",
    "--resolv-conf",
    "--cluster-ip",
    "--advertise-address",
  ],
  server: [
    "--data-dir",
    "--listen-client-urls",
    "--fsync",
    "--bind-address",
    "--insecure-port",
    "--node-name",
    "--nodes",
    "--cluster-cidr",
    "--cluster-dns",
    "--proxy-mode",
    "--disable",
  ],
  version: [],
  image: [],
};

describe("kube --help", () => {
  test("lists every subcommand with a one-line description", () => {
    const { code, stdout } = kube("--help");
    expect(code).toBe(0);
    for (const name of subcommands) expect(stdout).toMatch(new RegExp(`^  ${name} +\\S.*$`, "m"));
  });

  test("no arguments prints the same help", () => {
    expect(kube().stdout).toBe(kube("--help").stdout);
  });

  for (const name of subcommands) {
    test(`kube ${name} --help shows its flags`, () => {
      const { code, stdout, stderr } = kube(name, "--help");
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(stdout).toStartWith(`Usage: kube ${name} [flags]`);
      for (const flag of expectedFlags[name] ?? []) expect(stdout).toContain(`  ${flag}`);
    });
  }

  test("etcd --help documents the durability choice", () => {
    expect(kube("etcd", "--help").stdout).toMatch(/--fsync\s+fsync every commit.*power/s);
  });
});

describe("kube version", () => {
  test("prints kube's version and the emulated Kubernetes version", () => {
    const { code, stdout } = kube("version");
    expect(code).toBe(0);
    expect(stdout).toContain(`kube v${packageJson.version}\n`);
    expect(stdout).toContain("Kubernetes v1.32.4\n");
  });

  test("--version prints kube's version", () => {
    expect(kube("--version").stdout).toBe(`kube v${packageJson.version}\n`);
  });
});

describe("usage errors: one line naming the problem and --help, exit 2", () => {
  const cases: [string[], RegExp][] = [
    [["--bogus"], /^kube: unknown flag: --bogus; see 'kube --help'$/],
    [["nope"], /^kube: unknown command "nope"; see 'kube --help'$/],
    [["etcd", "--bogus=1"], /^kube etcd: unknown flag: --bogus; see 'kube etcd --help'$/],
    [["etcd", "--max-request-bytes", "lots"], /^kube etcd: invalid value "lots" for --max-request-bytes/],
    [
      ["etcd", "--listen-client-urls", "not a url"],
      /^kube etcd: invalid URL "not a url" in --listen-client-urls/,
    ],
    [["etcd", "--data-dir"], /^kube etcd: flag needs an argument: --data-dir/],
    [["etcd", "stray"], /^kube etcd: unexpected argument "stray"/],
    [["scheduler", "--leader-elect=maybe"], /^kube scheduler: invalid value "maybe" for --leader-elect/],
    [["version", "--short"], /^kube version: unknown flag: --short/],
    [
      ["kubelet", "--runtime", "docker"],
      /^kube kubelet: invalid --runtime "docker": want process, oci, auto or fake/,
    ],
    [
      ["kubelet", "--file-check-frequency", "soon"],
      /^kube kubelet: invalid value "soon" for --file-check-frequency/,
    ],
    [["kubelet", "--port", "99999"], /^kube kubelet: invalid value "99999" for --port/],
    [
      ["controller-manager", "--controllers", "*,nope"],
      /^kube controller-manager: unknown controller "nope" in --controllers/,
    ],
    [
      ["controller-manager", "--master", "http://127.0.0.1:1", "--allocate-node-cidrs"],
      /^kube controller-manager: --allocate-node-cidrs needs --cluster-cidr/,
    ],
    [["controller-manager"], /^kube controller-manager: no API server: give --master/],
    [
      ["proxy", "--proxy-mode", "ipvs"],
      /^kube proxy: invalid --proxy-mode "ipvs": want auto, nftables or userspace/,
    ],
    [["proxy", "--sync-period", "often"], /^kube proxy: invalid value "often" for --sync-period/],
    [
      ["proxy", "--service-cluster-ip-range", "10.96.0.0"],
      /^kube proxy: invalid value "10.96.0.0" for --service-cluster-ip-range/,
    ],
    [["proxy"], /^kube proxy: no API server: give --master/],
    [
      ["apiserver", "--service-account-max-token-expiration", "10m"],
      /^kube apiserver: invalid --service-account-max-token-expiration 10m: the service-account-max-token-expiration must be between 1 hour and 2\^32 seconds/,
    ],
    [
      ["apiserver", "--authorization-mode", "ABAC"],
      /^kube apiserver: unknown --authorization-mode "ABAC": want some of AlwaysAllow, AlwaysDeny, Node, RBAC/,
    ],
    [
      ["apiserver", "--tls-cert-file", "/nonexistent/kt.crt"],
      /^kube apiserver: --tls-cert-file and --tls-private-key-file go together: give both/,
    ],
    [
      ["apiserver", "--token-auth-file", "/nonexistent/kt.csv"],
      /^kube apiserver: cannot read --token-auth-file \/nonexistent\/kt.csv: ENOENT/,
    ],
    [
      ["kubelet", "--tls-cert-file", "/nonexistent/kt.crt"],
      /^kube kubelet: --tls-cert-file and --tls-private-key-file go together: give both/,
    ],
    [["dns", "--port", "dns"], /^kube dns: invalid value "dns" for --port/],
    [["dns", "--bind-address", "localhost"], /^kube dns: invalid value "localhost" for --bind-address/],
    [["dns", "--cluster-domain", "bad_domain"], /^kube dns: invalid value "bad_domain" for --cluster-domain/],
    [["dns", "--upstream", "8.8.8.8:x"], /^kube dns: invalid value "8.8.8.8:x" in --upstream/],
    [["dns", "--cluster-ip", "10.96.0.10"], /^kube dns: --cluster-ip needs --advertise-address/],
    [["dns", "--port", "0"], /^kube dns: no API server: give --master/],
    [["server", "--disable", "kubelet,etcd"], /^kube server: unknown component "etcd" in --disable/],
    [["server", "--nodes", "0"], /^kube server: invalid value "0" for --nodes/],
    [["server", "--cluster-cidr", "10.42.0.0"], /^kube server: invalid value "10.42.0.0" for --cluster-cidr/],
    [["server", "--proxy-mode", "ipvs"], /^kube server: invalid --proxy-mode "ipvs"/],
  ];
  for (const [args, pattern] of cases) {
    test(`kube ${args.join(" ")}`, () => {
      const { code, stdout, stderr } = kube(...args);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      const errorLines = lines(stderr);
      expect(errorLines).toHaveLength(1);
      expect(errorLines[0]).toMatch(pattern);
    });
  }
});

describe("multicall", () => {
  const links: Record<string, string> = {
    etcd: "etcd",
    "kube-apiserver": "apiserver",
    "kube-scheduler": "scheduler",
    "kube-controller-manager": "controller-manager",
    kubelet: "kubelet",
    "kube-proxy": "proxy",
  };
  let dir = "";

  beforeAll(async () => {
    dir = await tempDir();
    for (const link of Object.keys(links)) await symlink(kubeBinary, join(dir, link));
  });

  for (const [link, name] of Object.entries(links)) {
    test(`a symlink named ${link} runs kube ${name}`, () => {
      const help = run([join(dir, link), "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toStartWith(`Usage: ${link} [flags]`);
      for (const flag of expectedFlags[name] ?? []) expect(help.stdout).toContain(`  ${flag}`);
    });
  }

  test("a symlink named etcd serves etcdctl and logs under its own name", async () => {
    const dataDir = join(await tempDir(), "data");
    const etcd = start([
      join(dir, "etcd"),
      "--data-dir",
      dataDir,
      "--listen-client-urls",
      "http://127.0.0.1:0",
    ]);
    const [, endpoint = ""] = await etcd.waitFor(/^etcd: serving the etcd v3 API on (http:\/\/[^\s,;]+)/m);
    expect(etcdctl(endpoint, "put", "/kt/multicall", "yes").stdout).toBe("OK\n");
    expect(etcdctl(endpoint, "get", "/kt/multicall", "--print-value-only").stdout).toBe("yes\n");
    etcd.kill("SIGTERM");
    expect(await etcd.exited).toBe(0);
    expect(lines(etcd.stderr()).at(-1)).toBe("etcd: stopped");
  }, 60_000);

  test("flags errors name the multicall program", () => {
    const { code, stderr } = run([join(dir, "etcd"), "--bogus"]);
    expect(code).toBe(2);
    expect(lines(stderr)).toEqual(["etcd: unknown flag: --bogus; see 'etcd --help'"]);
  });
});

const servingPattern = /serving the etcd v3 API on (http:\/\/[^\s,;]+)/;

describe("kube etcd", () => {
  test("serves etcdctl, refuses a second process on its data dir, stops cleanly on SIGTERM", async () => {
    const dataDir = join(await tempDir(), "data");
    const first = start([
      kubeBinary,
      "etcd",
      "--data-dir",
      dataDir,
      "--listen-client-urls",
      "http://127.0.0.1:0",
    ]);
    const [, endpoint = ""] = await first.waitFor(servingPattern);
    expect(first.stderr()).toContain(`data in ${dataDir}`);

    const put = etcdctl(endpoint, "put", "/kt/greeting", "hello");
    expect(put.stderr).toBe("");
    expect(put.stdout).toBe("OK\n");
    const get = etcdctl(endpoint, "get", "/kt/greeting");
    expect(get.stdout).toBe("/kt/greeting\nhello\n");

    const second = start([
      kubeBinary,
      "etcd",
      "--data-dir",
      dataDir,
      "--listen-client-urls",
      "http://127.0.0.1:0",
    ]);
    const secondCode = await second.exited;
    expect(secondCode).not.toBe(0);
    const secondLines = lines(second.stderr());
    expect(secondLines).toHaveLength(1);
    expect(secondLines[0]).toStartWith("kube etcd: ");
    expect(secondLines[0]).toContain(String(first.pid));

    const port = new URL(endpoint).port;
    const otherDir = join(await tempDir(), "data");
    const third = start([
      kubeBinary,
      "etcd",
      "--data-dir",
      otherDir,
      "--listen-client-urls",
      `http://127.0.0.1:${port}`,
    ]);
    expect(await third.exited).not.toBe(0);
    const thirdLines = lines(third.stderr());
    expect(thirdLines).toHaveLength(1);
    expect(thirdLines[0]).toStartWith("kube etcd: ");

    first.kill("SIGTERM");
    expect(await first.exited).toBe(0);
  }, 60_000);

  test("keeps its data across a restart", async () => {
    const dataDir = join(await tempDir(), "data");
    const argv = [kubeBinary, "etcd", "--data-dir", dataDir, "--listen-client-urls", "http://127.0.0.1:0"];
    const first = start(argv);
    const [, endpoint = ""] = await first.waitFor(servingPattern);
    expect(etcdctl(endpoint, "put", "/kt/kept", "yes").stdout).toBe("OK\n");
    first.kill("SIGINT");
    expect(await first.exited).toBe(0);

    const again = start(argv);
    const [, endpoint2 = ""] = await again.waitFor(servingPattern);
    expect(etcdctl(endpoint2, "get", "/kt/kept", "--print-value-only").stdout).toBe("yes\n");
    again.kill("SIGTERM");
    expect(await again.exited).toBe(0);
  }, 60_000);
});

describe("kube server", () => {
  test("runs the store and the etcd API, says where, stops on SIGINT", async () => {
    const dataDir = join(await tempDir(), "server");
    const server = start([
      kubeBinary,
      "server",
      "--data-dir",
      dataDir,
      "--listen-client-urls",
      "http://127.0.0.1:0",
      "--insecure-port",
      "0",
      "--secure-port",
      "0",
      // The store, the API and the control loops: the whole cluster is test/e2e/seeds/'s.
      "--disable",
      "kubelet,proxy,dns",
    ]);
    await server.waitFor(/Ctrl-C stops everything/);
    const [, endpoint = ""] = (await server.waitFor(/etcd v3 API on (http:\/\/[^\s,;]+)/)) ?? [];
    expect(server.stderr()).toContain(`data in ${dataDir}`);
    expect(server.stderr()).toContain(join(dataDir, "db"));
    expect(etcdctl(endpoint, "put", "/kt/server", "up").stdout).toBe("OK\n");
    expect(etcdctl(endpoint, "get", "/kt/server", "--print-value-only").stdout).toBe("up\n");
    // The apiserver runs over the same store: what kubectl creates, etcdctl sees.
    const [, api = ""] = (await server.waitFor(/the Kubernetes API on (http:\/\/\S+)/)) ?? [];
    const kubeconfig = join(dataDir, "kubeconfig.yaml");
    expect(server.stderr()).toContain(`export KUBECONFIG=${kubeconfig}`);
    const kubectl = kubectlFor(api);
    try {
      const created = await kubectl(["--kubeconfig", kubeconfig, "create", "namespace", "kt-server"]);
      expect(created.stdout).toBe("namespace/kt-server created\n");
      expect(etcdctl(endpoint, "get", "/registry/namespaces/kt-server", "--keys-only").stdout).toBe(
        "/registry/namespaces/kt-server\n\n",
      );
    } finally {
      kubectl.cleanup();
    }
    server.kill("SIGINT");
    expect(await server.exited).toBe(0);
  }, 60_000);

  test("an https:// etcd URL needs a client certificate of the cluster CA; the printed etcdctl line works", async () => {
    const dataDir = join(await tempDir(), "server-tls");
    const server = start([
      kubeBinary,
      "server",
      "--data-dir",
      dataDir,
      "--listen-client-urls",
      "https://127.0.0.1:0",
      "--insecure-port",
      "0",
      "--secure-port",
      "0",
      "--disable",
      "kubelet,proxy,dns",
    ]);
    const [, endpoint = "", certs = ""] =
      (await server.waitFor(
        /etcdctl --endpoints=(\S+) (--cacert \S+ --cert \S+ --key \S+) endpoint status/,
      )) ?? [];
    const tls = certs.split(" ");
    expect(etcdctl(endpoint, ...tls, "put", "/kt/tls", "up").stdout).toBe("OK\n");
    expect(etcdctl(endpoint, ...tls, "get", "/kt/tls", "--print-value-only").stdout).toBe("up\n");
    // Without a client certificate: refused, nothing read.
    const anonymous = etcdctl(
      endpoint,
      "--dial-timeout=1s",
      "--command-timeout=2s",
      "--cacert",
      tls[1] as string,
      "get",
      "/kt/tls",
    );
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stdout).toBe("");
    server.kill("SIGINT");
    expect(await server.exited).toBe(0);
  }, 60_000);
});

describe("kube apiserver", () => {
  test("serves kubectl on its insecure port over SQLite, says so, stops on SIGTERM", async () => {
    const dataDir = join(await tempDir(), "api");
    const api = start(apiserverArgv(dataDir));
    const [, url = ""] = await api.waitFor(/serving the Kubernetes API on (http:\/\/\S+)/);
    await api.waitFor(/this port is unauthenticated/);
    const version = (await (await fetch(`${url}/version`)).json()) as { minor: string };
    expect(version.minor).toBe("32");
    const kubectl = kubectlFor(url);
    try {
      expect((await kubectl(["get", "ns", "kube-system", "-o", "name"])).stdout).toBe(
        "namespace/kube-system\n",
      );
    } finally {
      kubectl.cleanup();
    }
    const second = start(apiserverArgv(dataDir));
    expect(await second.exited).toBe(1);
    expect(lines(second.stderr())[0]).toContain(`in use by process ${api.pid}`);
    api.kill("SIGTERM");
    expect(await api.exited).toBe(0);
  }, 60_000);

  test("a bad port is a usage error", () => {
    const { code, stderr } = kube("apiserver", "--insecure-port", "99999");
    expect(code).toBe(2);
    expect(lines(stderr)).toEqual([
      "kube apiserver: invalid value \"99999\" for --insecure-port: want a port number from 0 to 65535; see 'kube apiserver --help'",
    ]);
  });

  test("--encryption-provider-config: a Secret is ciphertext in the store, plain through the API", async () => {
    const dir = await tempDir();
    const config = join(dir, "encryption.yaml");
    await Bun.write(
      config,
      `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
      - aescbc:
          keys:
            - name: key1
              secret: ${Buffer.alloc(32, 7).toString("base64")}
      - identity: {}
`,
    );
    const dataDir = join(dir, "api");
    const api = start(apiserverArgv(dataDir, "--encryption-provider-config", config));
    const [, url = ""] = await api.waitFor(/serving the Kubernetes API on (http:\/\/\S+)/);
    const secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "kt-enc" },
      stringData: { pw: "kt-plaintext-7" },
    };
    const created = await fetch(`${url}/api/v1/namespaces/default/secrets`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(secret),
    });
    expect(created.status).toBe(201);
    const read = (await (await fetch(`${url}/api/v1/namespaces/default/secrets/kt-enc`)).json()) as {
      data: { pw: string };
    };
    expect(Buffer.from(read.data.pw, "base64").toString()).toBe("kt-plaintext-7");
    api.kill("SIGTERM");
    expect(await api.exited).toBe(0);
    // Every file of the store: the prefix is there, the secret's value is not.
    const files: Buffer[] = [];
    for (const name of await readdir(dataDir)) {
      const path = join(dataDir, name);
      if ((await stat(path)).isFile()) files.push(Buffer.from(await Bun.file(path).arrayBuffer()));
    }
    const bytes = Buffer.concat(files);
    expect(bytes.includes("k8s:enc:aescbc:v1:key1:")).toBe(true);
    expect(bytes.includes(Buffer.from("kt-plaintext-7").toString("base64"))).toBe(false);
    expect(bytes.includes("kt-plaintext-7")).toBe(false);
  }, 60_000);
});
