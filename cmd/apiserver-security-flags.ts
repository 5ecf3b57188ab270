// The kube-apiserver flags of secure serving, authentication and authorization, with
// upstream's names and defaults, and their reading into one typed value (files are read here,
// so a missing or unreadable file is a usage error naming the flag).
import { readFileSync } from "node:fs";
import { parseDuration, parsePort } from "./flag-values.ts";
import { UsageError } from "./usage-error.ts";

export const SECURITY_FLAGS = {
  "secure-port": {
    type: "string",
    valueHint: "int",
    description: "Port to serve HTTPS with authentication and authorization on; 0 picks a free port",
    default: "6443",
  },
  "bind-address": {
    type: "string",
    description: "Address to serve HTTPS on (0.0.0.0: every interface)",
    default: "0.0.0.0",
  },
  "cert-dir": {
    type: "string",
    description:
      "Where a self-signed serving certificate is made when --tls-cert-file is not given (default: <data-dir>/tls)",
  },
  "tls-cert-file": {
    type: "string",
    description: "PEM serving certificate (then CA certificates) for HTTPS",
  },
  "tls-private-key-file": { type: "string", description: "PEM private key of --tls-cert-file" },
  "client-ca-file": {
    type: "string",
    description: "PEM CA bundle: a client certificate signed by it authenticates as its CN, groups its O",
  },
  "token-auth-file": {
    type: "string",
    description: 'Static bearer tokens, CSV lines: token,user,uid,"group1,group2"',
  },
  "service-account-key-file": {
    type: "string",
    description:
      "PEM public (or private) keys that verify ServiceAccount tokens, comma-separated files (default: the signing key)",
  },
  "service-account-signing-key-file": {
    type: "string",
    description: "PEM private key that signs ServiceAccount tokens (TokenRequest)",
  },
  "service-account-issuer": {
    type: "string",
    description: "Issuer (iss) of ServiceAccount tokens; comma-separated: the first signs, all verify",
    default: "https://kubernetes.default.svc.cluster.local",
  },
  "service-account-max-token-expiration": {
    type: "string",
    description:
      "Longest ServiceAccount token a TokenRequest gets (e.g. 48h); longer requests are shortened; default: no limit",
  },
  "api-audiences": {
    type: "string",
    description: "Audiences the API accepts in tokens, comma-separated (default: the issuers)",
  },
  "authorization-mode": {
    type: "string",
    description: "Authorizers in order, comma-separated: AlwaysAllow, AlwaysDeny, Node, RBAC",
    default: "Node,RBAC",
  },
  "anonymous-auth": {
    type: "boolean",
    description: "Let unauthenticated requests through as system:anonymous (RBAC then decides)",
    default: true,
  },
  "kubelet-client-certificate": {
    type: "string",
    description: "PEM client certificate for the kubelets' ports",
  },
  "kubelet-client-key": { type: "string", description: "PEM private key of --kubelet-client-certificate" },
  "kubelet-certificate-authority": {
    type: "string",
    description: "PEM CA bundle that verifies the kubelets' serving certificates",
  },
  "etcd-cafile": { type: "string", description: "PEM CA bundle that verifies etcd's serving certificate" },
  "etcd-certfile": { type: "string", description: "PEM client certificate for etcd" },
  "etcd-keyfile": { type: "string", description: "PEM private key of --etcd-certfile" },
  "encryption-provider-config": {
    type: "string",
    description: "EncryptionConfiguration file: how Secrets (and other resources) are encrypted at rest",
  },
} as const;

export interface SecurityFlagValues {
  "secure-port": string;
  "bind-address": string;
  "cert-dir"?: string;
  "tls-cert-file"?: string;
  "tls-private-key-file"?: string;
  "client-ca-file"?: string;
  "token-auth-file"?: string;
  "service-account-key-file"?: string;
  "service-account-signing-key-file"?: string;
  "service-account-issuer": string;
  "service-account-max-token-expiration"?: string;
  "api-audiences"?: string;
  "authorization-mode": string;
  "anonymous-auth"?: boolean;
  "kubelet-client-certificate"?: string;
  "kubelet-client-key"?: string;
  "kubelet-certificate-authority"?: string;
  "etcd-cafile"?: string;
  "etcd-certfile"?: string;
  "etcd-keyfile"?: string;
  "encryption-provider-config"?: string;
}

/** Everything secure serving needs, with files already read. */
export interface SecurityConfig {
  securePort: number;
  bindAddress: string;
  certDir?: string;
  /** Absent: kube makes a self-signed pair in certDir. */
  serving?: { certPem: string; keyPem: string };
  clientCaPem?: string;
  tokenAuthFile?: { path: string; text: string };
  serviceAccountKeyPems: string[];
  serviceAccountSigningKeyPem?: string;
  serviceAccountIssuers: string[];
  /** --service-account-max-token-expiration in seconds; absent: no limit. */
  serviceAccountMaxTokenExpirationSeconds?: number;
  apiAudiences: string[];
  authorizationModes: string[];
  anonymousAuth: boolean;
  kubeletClient?: { certPem: string; keyPem: string; caPem?: string };
  etcdTls?: { caPem?: string; certPem?: string; keyPem?: string };
  encryptionConfig?: { path: string; text: string };
}

export const AUTHORIZATION_MODES = ["AlwaysAllow", "AlwaysDeny", "Node", "RBAC"] as const;

export function readFlagFile(flag: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(
      `cannot read --${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

const list = (value: string | undefined): string[] =>
  (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

export function readSecurityFlags(args: SecurityFlagValues): SecurityConfig {
  const pair = (certFlag: string, keyFlag: string, cert?: string, key?: string) => {
    if (!cert && !key) return undefined;
    if (!cert || !key) throw new UsageError(`--${certFlag} and --${keyFlag} go together: give both`);
    return { certPem: readFlagFile(certFlag, cert), keyPem: readFlagFile(keyFlag, key) };
  };
  const modes = list(args["authorization-mode"]);
  for (const mode of modes)
    if (!(AUTHORIZATION_MODES as readonly string[]).includes(mode))
      throw new UsageError(
        `unknown --authorization-mode "${mode}": want some of ${AUTHORIZATION_MODES.join(", ")}`,
      );
  if (modes.length === 0) throw new UsageError("--authorization-mode is empty: give e.g. Node,RBAC");
  const issuers = list(args["service-account-issuer"]);
  const signing = args["service-account-signing-key-file"];
  const keyFiles = list(args["service-account-key-file"]);
  const serving = pair(
    "tls-cert-file",
    "tls-private-key-file",
    args["tls-cert-file"],
    args["tls-private-key-file"],
  );
  const kubelet = pair(
    "kubelet-client-certificate",
    "kubelet-client-key",
    args["kubelet-client-certificate"],
    args["kubelet-client-key"],
  );
  const kubeletCa = args["kubelet-certificate-authority"];
  const etcdCa = args["etcd-cafile"];
  const etcdPair = pair("etcd-certfile", "etcd-keyfile", args["etcd-certfile"], args["etcd-keyfile"]);
  const config: SecurityConfig = {
    securePort: parsePort("secure-port", args["secure-port"]),
    bindAddress: args["bind-address"],
    serviceAccountKeyPems: keyFiles.map((f) => readFlagFile("service-account-key-file", f)),
    serviceAccountIssuers: issuers,
    apiAudiences: list(args["api-audiences"]).length ? list(args["api-audiences"]) : issuers,
    authorizationModes: modes,
    anonymousAuth: args["anonymous-auth"] !== false,
  };
  if (args["cert-dir"]) config.certDir = args["cert-dir"];
  const maxExpiration = args["service-account-max-token-expiration"];
  if (maxExpiration) {
    const seconds = Math.floor(parseDuration("service-account-max-token-expiration", maxExpiration) / 1000);
    if (seconds < 3600 || seconds > 2 ** 32)
      throw new UsageError(
        `invalid --service-account-max-token-expiration ${maxExpiration}: the service-account-max-token-expiration must be between 1 hour and 2^32 seconds`,
      );
    config.serviceAccountMaxTokenExpirationSeconds = seconds;
  }
  if (serving) config.serving = serving;
  if (args["client-ca-file"]) config.clientCaPem = readFlagFile("client-ca-file", args["client-ca-file"]);
  if (args["token-auth-file"])
    config.tokenAuthFile = {
      path: args["token-auth-file"],
      text: readFlagFile("token-auth-file", args["token-auth-file"]),
    };
  if (signing) config.serviceAccountSigningKeyPem = readFlagFile("service-account-signing-key-file", signing);
  if (kubelet)
    config.kubeletClient = {
      ...kubelet,
      ...(kubeletCa ? { caPem: readFlagFile("kubelet-certificate-authority", kubeletCa) } : {}),
    };
  if (etcdCa || etcdPair)
    config.etcdTls = {
      ...(etcdCa ? { caPem: readFlagFile("etcd-cafile", etcdCa) } : {}),
      ...(etcdPair ?? {}),
    };
  if (args["encryption-provider-config"])
    config.encryptionConfig = {
      path: args["encryption-provider-config"],
      text: readFlagFile("encryption-provider-config", args["encryption-provider-config"]),
    };
  return config;
}
