// `kube apiserver` (multicall: kube-apiserver): the Kubernetes REST API over HTTPS with
// authentication and authorization (and, when asked for, plain HTTP on loopback), over embedded
// SQLite (--data-dir) or etcd servers (--etcd-servers: kube etcd or a real etcd). Flags follow
// upstream kube-apiserver.

import { resolve } from "node:path";
import { defaultPodSecurityConfig } from "../components/apiserver/admission/pod-security/pod-security-config.ts";
import { ADMISSION_FLAGS, readAdmissionFlags } from "./admission-flags.ts";
import { readSecurityFlags, SECURITY_FLAGS } from "./apiserver-security-flags.ts";
import { apiserverStarters } from "./apiserver-starters.ts";
import { defaultDataDir, defaultDataDirHelp } from "./default-data-dir.ts";
import { deprecatedArgs, warnDeprecated } from "./deprecated-flags.ts";
import { parseDuration, parsePort, parseUrlList } from "./flag-values.ts";
import { defineKubeCommand } from "./kube-command.ts";
import { supervise } from "./supervise.ts";

/** What seed 004's apiserver manifest passes that upstream has since removed. */
const DEPRECATED = {
  "admission-control": {
    type: "string",
    replacement: "use --enable-admission-plugins (kube runs its admission chain always)",
  },
  "allow-privileged": {
    type: "string",
    replacement: "privileged containers are governed by Pod Security admission",
  },
  "cluster-name": { type: "string", replacement: "the cluster name is not used by the apiserver" },
  "basic-auth-file": {
    type: "string",
    replacement: "basic authentication was removed in 1.19: use --token-auth-file or client certificates",
  },
  address: {
    type: "string",
    replacement:
      "use --insecure-bind-address (without --insecure-port it serves the era's insecure port 8080)",
  },
  "enable-admission-plugins": {
    type: "string",
    replacement:
      "kube runs a fixed admission chain (NamespaceLifecycle, ServiceAccount, NodeRestriction, Priority)",
  },
} as const;

export const apiserverCommand = defineKubeCommand({
  name: "apiserver",
  description: "The Kubernetes REST API (real kubectl and client libraries work)",
  args: {
    "etcd-servers": {
      type: "string",
      description:
        "Comma-separated etcd URLs (kube etcd or a real etcd); empty: embedded SQLite in --data-dir",
    },
    "data-dir": {
      type: "string",
      description: `Data directory when no --etcd-servers (default: ${defaultDataDirHelp("apiserver")})`,
    },
    ...SECURITY_FLAGS,
    ...ADMISSION_FLAGS,
    "insecure-bind-address": {
      type: "string",
      description: "Address of the plain-HTTP port (no authentication: every client may do everything)",
      default: "127.0.0.1",
    },
    "insecure-port": {
      type: "string",
      valueHint: "int",
      description:
        "Serve plain HTTP, unauthenticated, on this port (seeds 002/003 use 8080); 0 picks a free port; default: off",
    },
    "service-cluster-ip-range": {
      type: "string",
      description: "CIDR from which Service ClusterIPs are allocated",
      default: "10.96.0.0/12",
    },
    "advertise-address": {
      type: "string",
      description:
        "Address written into the endpoints of the `kubernetes` service (default: the bind address)",
    },
    "request-timeout": {
      type: "string",
      description:
        "How long a request body may take to arrive before the request fails with 504 (upstream's --request-timeout)",
      default: "1m0s",
    },
    fsync: {
      type: "boolean",
      description: "With embedded SQLite: fsync every commit (power-loss durability)",
    },
    ...deprecatedArgs(DEPRECATED),
  },
  run: (args, prog) => {
    const etcd = args["etcd-servers"];
    const log = (line: string): void => console.error(`${prog}: ${line}`);
    warnDeprecated(DEPRECATED, args, log);
    const insecureBind = args.address ?? args["insecure-bind-address"];
    // Seed 002's master.json: `--address=127.0.0.1` and nothing else served plain HTTP on 8080.
    const insecurePort = args["insecure-port"] ?? (args.address !== undefined ? "8080" : undefined);
    const dataDir = resolve(args["data-dir"] ?? defaultDataDir("apiserver"));
    const security = readSecurityFlags(args);
    const options = {
      etcdServers: etcd ? parseUrlList("etcd-servers", etcd) : [],
      dataDir,
      fsync: args.fsync === true,
      ...(insecurePort !== undefined
        ? { insecure: { bindAddress: insecureBind, port: parsePort("insecure-port", insecurePort) } }
        : {}),
      security: { ...security, certDir: resolve(security.certDir ?? resolve(dataDir, "tls")) },
      serviceClusterIpRange: args["service-cluster-ip-range"],
      podSecurity: readAdmissionFlags(args, defaultPodSecurityConfig()),
      log,
      ...(args["advertise-address"] ? { advertiseAddress: args["advertise-address"] } : {}),
      requestTimeoutMs: parseDuration("request-timeout", args["request-timeout"]),
    };
    const stack = apiserverStarters(options);
    return supervise({
      prog,
      starters: stack.starters,
      onReady: () => {
        const api = stack.apiserver();
        const storage =
          options.etcdServers.length > 0
            ? `etcd at ${options.etcdServers.join(",")}`
            : `SQLite in ${options.dataDir}`;
        log(`serving the Kubernetes API on ${api?.secureUrl} (storage: ${storage})`);
        log(
          `dashboard: ${api?.secureUrl}/ui/ (log in with a ServiceAccount token, or through kubectl proxy)`,
        );
        log(
          `authorization: ${security.authorizationModes.join(",")}; anonymous requests ${security.anonymousAuth ? "allowed as system:anonymous" : "refused"}`,
        );
        if (api?.url) {
          log(
            `serving the Kubernetes API on ${api.url} too, plain HTTP: this port is unauthenticated, every client may do everything (keep it on loopback)`,
          );
          log(`try: kubectl --server ${api.url} get namespaces`);
        }
      },
    });
  },
});
