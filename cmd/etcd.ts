// `kube etcd` (multicall: etcd): the etcd v3 gRPC API over kube's SQLite store, with etcd's
// flag names. Upstream reference: etcd's server/etcdmain/config.go for names and defaults.

import { resolve } from "node:path";
import { defaultDataDir, defaultDataDirHelp } from "./default-data-dir.ts";
import { etcdStarters } from "./etcd-starters.ts";
import { parsePositiveInt, parseUrlList } from "./flag-values.ts";
import { defineKubeCommand } from "./kube-command.ts";
import { supervise } from "./supervise.ts";

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
      console.error(
        `${options.prog}: serving the etcd v3 API on ${stack.urls().join(",")}${advertised}; member "${options.name}"; data in ${options.dataDir} (${durability})`,
      );
    },
  });
}

export const etcdCommand = defineKubeCommand({
  name: "etcd",
  description: "SQLite-backed key/value store that speaks the etcd v3 gRPC API",
  args: {
    "data-dir": {
      type: "string",
      description: `Directory of the SQLite database (default: ${defaultDataDirHelp("etcd")})`,
    },
    "listen-client-urls": {
      type: "string",
      description: "Comma-separated http:// (or unix://) URLs to serve clients on; port 0 picks a free port",
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
    });
  },
});
