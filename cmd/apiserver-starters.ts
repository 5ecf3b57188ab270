// The apiserver as supervised starters, shared by `kube apiserver` and `kube server`: its
// storage (embedded SQLite, or etcd servers through the gRPC client, either one wrapped by
// Secrets encryption when configured) and then the API: HTTPS with authentication and
// authorization, plus the insecure port when asked for. Loaded lazily so `kube --help` stays fast.
import { mkdir } from "node:fs/promises";
import { hostname, networkInterfaces } from "node:os";
import type { PodSecurityConfig } from "../components/apiserver/admission/pod-security/pod-security-config.ts";
import type { Apiserver } from "../components/apiserver/server.ts";
import type { KV } from "../storage/kv.ts";
import type { SecurityConfig } from "./apiserver-security-flags.ts";
import { nthAddress } from "./flag-values.ts";
import { storeComponent } from "./store-component.ts";
import type { Starter } from "./supervise.ts";

export interface ApiserverStackOptions {
  /** etcd client URLs; empty: embedded SQLite in `dataDir`. */
  etcdServers: string[];
  dataDir: string;
  fsync: boolean;
  /** The plain-HTTP port (seeds 002/003); absent: none. */
  insecure?: { bindAddress: string; port: number };
  /** Secure serving, authentication and authorization; a thunk when it must be made first (kube server's PKI). */
  security: SecurityConfig | (() => Promise<SecurityConfig>);
  serviceClusterIpRange: string;
  clusterDomain?: string;
  advertiseAddress?: string;
  /** The PodSecurity admission plugin's configuration; absent: the plugin is off. */
  podSecurity?: PodSecurityConfig;
  /** How long a request body may take to arrive (--request-timeout; default 60 s). */
  requestTimeoutMs?: number;
  log: (line: string) => void;
  /** A store opened by an earlier starter (kube server shares its SQLite store with kube etcd). */
  sharedKv?: () => KV | undefined;
}

export interface ApiserverStack {
  /** Starters for the storage (unless shared) and the apiserver. */
  starters: Starter[];
  /** The running apiserver once started. */
  apiserver(): Apiserver | undefined;
  /** The security configuration in force, once the apiserver started. */
  security(): SecurityConfig | undefined;
}

/** Names the apiserver is reached by: its serving certificate's SANs when kube makes it. */
export function servingSans(options: {
  serviceClusterIpRange: string;
  clusterDomain?: string;
  extra?: string[];
}): string[] {
  const domain = options.clusterDomain ?? "cluster.local";
  const addresses = Object.values(networkInterfaces())
    .flat()
    .map((a) => a?.address)
    .filter((a): a is string => Boolean(a) && !(a as string).startsWith("fe80"));
  return [
    ...new Set([
      "localhost",
      hostname(),
      "kubernetes",
      "kubernetes.default",
      "kubernetes.default.svc",
      `kubernetes.default.svc.${domain}`,
      nthAddress("service-cluster-ip-range", options.serviceClusterIpRange, 1),
      "127.0.0.1",
      ...addresses,
      ...(options.extra ?? []),
    ]),
  ];
}

export function apiserverStarters(options: ApiserverStackOptions): ApiserverStack {
  let kv: KV | undefined;
  let apiserver: Apiserver | undefined;
  let security: SecurityConfig | undefined;
  const openStorage: Starter = async () => {
    const config = await resolveSecurity();
    if (options.etcdServers.length > 0) {
      const grpc = await import("@grpc/grpc-js");
      grpc.setLogVerbosity(grpc.logVerbosity.NONE);
      const { connectEtcd } = await import("../storage/etcd/client.ts");
      kv = await connectEtcd({ endpoints: options.etcdServers, ...(config.etcdTls ?? {}) });
      return storeComponent(kv, "etcd client");
    }
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    const { openSqliteKV } = await import("../storage/sqlite/sqlite-kv.ts");
    kv = await openSqliteKV({ dataDir: options.dataDir, fsync: options.fsync });
    return storeComponent(kv);
  };
  const resolveSecurity = async (): Promise<SecurityConfig> => {
    security ??= typeof options.security === "function" ? await options.security() : options.security;
    return security;
  };
  const serve: Starter = async () => {
    kv ??= options.sharedKv?.();
    if (!kv) throw new Error("the apiserver's storage must open before the apiserver starts");
    const config = await completeSecurity(await resolveSecurity(), options);
    security = config;
    let store = kv;
    if (config.encryptionConfig) {
      const { parseEncryptionConfig } = await import(
        "../components/apiserver/encryption/encryption-config.ts"
      );
      const { wrapKvWithEncryption } = await import("../components/apiserver/encryption/encrypted-kv.ts");
      let parsed: ReturnType<typeof parseEncryptionConfig>;
      try {
        parsed = parseEncryptionConfig(config.encryptionConfig.text);
      } catch (error) {
        throw new Error(
          `--encryption-provider-config ${config.encryptionConfig.path}: ${(error as Error).message}`,
        );
      }
      store = wrapKvWithEncryption(kv, parsed);
    }
    const { startApiserver } = await import("../components/apiserver/server.ts");
    const { buildSecurity } = await import("./apiserver-security.ts");
    const tokens = await serviceAccountTokens(config);
    apiserver = await startApiserver({
      kv: store,
      ...(options.insecure ? { bindAddress: options.insecure.bindAddress, port: options.insecure.port } : {}),
      secure: {
        bindAddress: config.bindAddress,
        port: config.securePort,
        certPem: config.serving?.certPem ?? "",
        keyPem: config.serving?.keyPem ?? "",
        ...(config.clientCaPem ? { clientCaPem: config.clientCaPem } : {}),
      },
      security: (deps) => buildSecurity(config, deps),
      ...(tokens ? { serviceAccountTokens: tokens } : {}),
      ...(config.kubeletClient ? { kubeletClient: config.kubeletClient } : {}),
      serviceClusterIpRange: options.serviceClusterIpRange,
      ...(options.advertiseAddress ? { advertiseAddress: options.advertiseAddress } : {}),
      ...(options.podSecurity ? { podSecurity: options.podSecurity } : {}),
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      extraRoutes: (await import("./dashboard-routes.ts")).dashboardRoutes(),
      log: options.log,
    });
    return apiserver;
  };
  return {
    starters: options.sharedKv ? [serve] : [openStorage, serve],
    apiserver: () => apiserver,
    security: () => security,
  };
}

/**
 * What the flags left out, as kube-apiserver does it without them: a self-signed serving
 * certificate (and its CA) in --cert-dir, and the ServiceAccount key pair made there too.
 */
async function completeSecurity(
  config: SecurityConfig,
  options: ApiserverStackOptions,
): Promise<SecurityConfig> {
  const needsPki =
    !config.serving || (!config.serviceAccountSigningKeyPem && config.serviceAccountKeyPems.length === 0);
  if (!needsPki) return withVerificationKeys(config);
  const certDir = config.certDir ?? `${options.dataDir}/tls`;
  const { ensureClusterPki } = await import("../lib/pki/ensure-cluster-pki.ts");
  const pki = await ensureClusterPki(certDir, {
    serverSans: servingSans({
      serviceClusterIpRange: options.serviceClusterIpRange,
      ...(options.clusterDomain ? { clusterDomain: options.clusterDomain } : {}),
      extra: [
        ...(options.advertiseAddress ? [options.advertiseAddress] : []),
        ...bindSan(config.bindAddress),
      ],
    }),
    clients: [],
  });
  const out: SecurityConfig = { ...config };
  if (!out.serving) {
    out.serving = { certPem: pki.server.certPem, keyPem: pki.server.keyPem };
    options.log(
      `serving certificate: ${pki.server.certPath}, signed by ${pki.ca.certPath} (made by kube; give --tls-cert-file to use your own)`,
    );
  }
  if (!out.serviceAccountSigningKeyPem && out.serviceAccountKeyPems.length === 0) {
    out.serviceAccountSigningKeyPem = pki.serviceAccount.keyPem;
    out.serviceAccountKeyPems = [pki.serviceAccount.publicKeyPem];
  }
  return withVerificationKeys(out);
}

function bindSan(bind: string): string[] {
  return bind && bind !== "0.0.0.0" && bind !== "::" ? [bind] : [];
}

/** Tokens kube signs must verify: the signing key's public half joins the verification keys. */
function withVerificationKeys(config: SecurityConfig): SecurityConfig {
  if (!config.serviceAccountSigningKeyPem || config.serviceAccountKeyPems.length > 0) return config;
  return { ...config, serviceAccountKeyPems: [config.serviceAccountSigningKeyPem] };
}

async function serviceAccountTokens(config: SecurityConfig) {
  if (!config.serviceAccountSigningKeyPem) return undefined;
  const { loadSigningKey } = await import("../lib/serviceaccount/signing-key.ts");
  const { TokenSigner } = await import("../lib/serviceaccount/token-signer.ts");
  const issuer = config.serviceAccountIssuers[0] ?? "https://kubernetes.default.svc.cluster.local";
  return {
    signer: new TokenSigner(loadSigningKey(config.serviceAccountSigningKeyPem), issuer),
    apiAudiences: config.apiAudiences,
    ...(config.serviceAccountMaxTokenExpirationSeconds
      ? { maxExpirationSeconds: config.serviceAccountMaxTokenExpirationSeconds }
      : {}),
  };
}
