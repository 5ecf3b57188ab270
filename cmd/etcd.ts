// `kube etcd` (multicall: etcd): the etcd v3 gRPC API over kube's SQLite store, with etcd's
// flag names. Upstream reference: etcd's server/etcdmain/config.go for names and defaults.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { defaultDataDir, defaultDataDirHelp } from "./default-data-dir.ts";
import { type EtcdTlsFiles, etcdStarters } from "./etcd-starters.ts";
import { parsePositiveInt, parseUrlList } from "./flag-values.ts";
import { defineKubeCommand } from "./kube-command.ts";
import { supervise } from "./supervise.ts";
import { UsageError } from "./usage-error.ts";

/** etcd's default --max-request-bytes: 1.5 MiB. */
const defaultMaxRequestBytes = 1.5 * 1024 * 1024;

export interface EtcdOptions {
  /** Names the program in log lines: "kube etcd", or "etcd" through a symlink. */
  prog: string;
  dataDir: string;
  listenClientUrls: string[];
  /** Only logged: kube etcd is a single member and does not gossip its URLs. */
  advertiseClientUrls: string[];
  name: string;
  maxRequestBytes: number;
  fsync: boolean;
  /** Client TLS (--cert-file, --key-file, --trusted-ca-file, --client-cert-auth), read from disk. */
  tls?: EtcdTlsFiles;
}

function runEtcd(options: EtcdOptions): Promise<number> {
  const stack = etcdStarters(options);
  const durability = options.fsync
    ? "fsync on every commit: survives power loss"
    : "survives a process crash; --fsync for power loss";
  return supervise({
    prog: options.prog,
    starters: stack.starters,
    onReady: () => {
      const advertised =
        options.advertiseClientUrls.length > 0
          ? `, advertised as ${options.advertiseClientUrls.join(",")}`
          : "";
      const tls = options.tls
        ? `; TLS with ${options.tls.certFile}${options.tls.clientCertAuth ? ", client certificates required" : ""}`
        : "";
      console.error(
        `${options.prog}: serving the etcd v3 API on ${stack.urls().join(",")}${advertised}; member "${options.name}"; data in ${options.dataDir} (${durability})${tls}`,
      );
    },
  });
}

function readPem(flag: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(
      `--${flag}: cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** The TLS flags checked as etcd checks them (server/embed/etcd.go), and the files read. */
function tlsFiles(
  args: {
    "cert-file"?: string;
    "key-file"?: string;
    "trusted-ca-file"?: string;
    "client-cert-auth"?: boolean;
  },
  listenClientUrls: string[],
): { tls?: EtcdTlsFiles } {
  const certFile = args["cert-file"];
  const keyFile = args["key-file"];
  const caFile = args["trusted-ca-file"];
  const clientCertAuth = args["client-cert-auth"] === true;
  const https = listenClientUrls.filter((u) => u.startsWith("https://"));
  if (certFile === undefined && keyFile === undefined) {
    if (https.length > 0) {
      throw new UsageError(
        `TLS key/cert (--cert-file, --key-file) must be provided for client url ${https[0]} with HTTPS scheme`,
      );
    }
    if (caFile !== undefined || clientCertAuth) {
      throw new UsageError("--trusted-ca-file and --client-cert-auth need --cert-file and --key-file");
    }
    return {};
  }
  if (certFile === undefined || keyFile === undefined) {
    throw new UsageError("--cert-file and --key-file go together");
  }
  if (clientCertAuth && caFile === undefined) {
    throw new UsageError("--client-cert-auth needs --trusted-ca-file, the CA that signs client certificates");
  }
  if (https.length === 0) {
    throw new UsageError(
      "--cert-file and --key-file are given but no --listen-client-urls is https://; kube etcd would serve without TLS",
    );
  }
  return {
    tls: {
      certFile,
      certPem: readPem("cert-file", certFile),
      keyPem: readPem("key-file", keyFile),
      ...(caFile === undefined ? {} : { trustedCaPem: readPem("trusted-ca-file", caFile) }),
      clientCertAuth,
    },
  };
}

export const etcdCommand = defineKubeCommand({
  name: "etcd",
  description: "SQLite-backed key/value store that speaks the etcd v3 gRPC API",
  // As etcd: ETCD_LISTEN_CLIENT_URLS, ETCD_DATA_DIR, ... (seed 004's /etc/etcd/etcd.conf).
  envPrefix: "ETCD_",
  args: {
    "data-dir": {
      type: "string",
      description: `Directory of the SQLite database (default: ${defaultDataDirHelp("etcd")})`,
    },
    "listen-client-urls": {
      type: "string",
      description:
        "Comma-separated http://, https:// (needs --cert-file/--key-file) or unix:// URLs to serve clients on; port 0 picks a free port",
      default: "http://127.0.0.1:2379",
    },
    "advertise-client-urls": {
      type: "string",
      description: "Comma-separated client URLs to advertise (logged; kube etcd is a single member)",
    },
    name: { type: "string", description: "Human-readable name of this member", default: "default" },
    "max-request-bytes": {
      type: "string",
      valueHint: "int",
      description: "Largest request the server accepts, in bytes",
      default: String(defaultMaxRequestBytes),
    },
    "cert-file": {
      type: "string",
      valueHint: "path",
      description: "Path to the client server TLS cert file",
    },
    "key-file": { type: "string", valueHint: "path", description: "Path to the client server TLS key file" },
    "trusted-ca-file": {
      type: "string",
      valueHint: "path",
      description: "Path to the client server TLS trusted CA cert file (verifies client certificates)",
    },
    "client-cert-auth": {
      type: "boolean",
      description:
        "Enable client cert authentication: refuse clients without a certificate signed by --trusted-ca-file",
    },
    fsync: {
      type: "boolean",
      description:
        "fsync every commit, so no acknowledged write is lost on power loss. Without it (the default) " +
        "writes reach the OS before they are acknowledged: none is lost when kube crashes or is killed",
    },
  },
  run: (args, prog) => {
    const listenClientUrls = parseUrlList("listen-client-urls", args["listen-client-urls"]);
    const advertise = args["advertise-client-urls"];
    return runEtcd({
      prog,
      dataDir: resolve(args["data-dir"] ?? defaultDataDir("etcd")),
      listenClientUrls,
      advertiseClientUrls: advertise === undefined ? [] : parseUrlList("advertise-client-urls", advertise),
      name: args.name,
      maxRequestBytes: parsePositiveInt("max-request-bytes", args["max-request-bytes"]),
      fsync: args.fsync === true,
      ...tlsFiles(args, listenClientUrls),
    });
  },
});
