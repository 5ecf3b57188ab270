// Reads a kubeconfig file as client-go's clientcmd does for one context: the cluster's server
// and CA, and the user's credentials (client certificate and key, bearer token or token file),
// inline (`*-data`, base64) or as files relative to the kubeconfig's directory.

import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { parse } from "yaml";

interface KubeconfigFile {
  "current-context"?: string;
  contexts?: Array<{ name: string; context?: { cluster?: string; user?: string } }>;
  clusters?: Array<{
    name: string;
    cluster?: {
      server?: string;
      "certificate-authority"?: string;
      "certificate-authority-data"?: string;
      "insecure-skip-tls-verify"?: boolean;
      "tls-server-name"?: string;
    };
  }>;
  users?: Array<{
    name: string;
    user?: {
      "client-certificate"?: string;
      "client-certificate-data"?: string;
      "client-key"?: string;
      "client-key-data"?: string;
      token?: string;
      tokenFile?: string;
    };
  }>;
}

/** What a client needs from a kubeconfig to reach and authenticate to an apiserver. */
export interface ClientConfig {
  server: string;
  /** More apiservers of the same cluster, tried in turn when `server` cannot be reached. */
  failover?: string[];
  /** PEM of the CA bundle that signs the server's certificate. */
  caPem?: string;
  /** PEM of the client certificate and its key (x509 authentication). */
  certPem?: string;
  keyPem?: string;
  token?: string;
  insecureSkipTlsVerify?: boolean;
  /** Name the server's certificate must carry instead of the URL's host. */
  tlsServerName?: string;
}

export class KubeconfigError extends Error {
  override name = "KubeconfigError";
}

export function loadKubeconfig(path: string): ClientConfig {
  let config: KubeconfigFile;
  try {
    config = (parse(readFileSync(path, "utf8")) ?? {}) as KubeconfigFile;
  } catch (error) {
    throw new KubeconfigError(`cannot read kubeconfig ${path}: ${(error as Error).message}`);
  }
  const contextName = config["current-context"];
  const context = config.contexts?.find((c) => c.name === contextName) ?? config.contexts?.[0];
  const clusterName = context?.context?.cluster;
  const cluster = (config.clusters?.find((c) => c.name === clusterName) ?? config.clusters?.[0])?.cluster;
  const server = cluster?.server;
  if (!server)
    throw new KubeconfigError(`kubeconfig ${path} names no cluster server: set clusters[].cluster.server`);
  const userName = context?.context?.user;
  const user = config.users?.find((u) => u.name === userName)?.user ?? {};
  const base = dirname(path);
  const read = (what: string, data: string | undefined, file: string | undefined): string | undefined => {
    if (data) return Buffer.from(data, "base64").toString("utf8");
    if (!file) return undefined;
    const full = isAbsolute(file) ? file : join(base, file);
    try {
      return readFileSync(full, "utf8");
    } catch (error) {
      throw new KubeconfigError(
        `kubeconfig ${path}: cannot read ${what} ${full}: ${(error as Error).message}`,
      );
    }
  };
  const out: ClientConfig = { server: normalizeServer(server) };
  const ca = read(
    "certificate-authority",
    cluster?.["certificate-authority-data"],
    cluster?.["certificate-authority"],
  );
  if (ca) out.caPem = ca;
  const cert = read("client-certificate", user["client-certificate-data"], user["client-certificate"]);
  const key = read("client-key", user["client-key-data"], user["client-key"]);
  if (cert && !key) throw new KubeconfigError(`kubeconfig ${path}: client-certificate without client-key`);
  if (key && !cert) throw new KubeconfigError(`kubeconfig ${path}: client-key without client-certificate`);
  if (cert && key) {
    out.certPem = cert;
    out.keyPem = key;
  }
  const token = user.token ?? read("tokenFile", undefined, user.tokenFile)?.trim();
  if (token) out.token = token;
  if (cluster?.["insecure-skip-tls-verify"]) out.insecureSkipTlsVerify = true;
  if (cluster?.["tls-server-name"]) out.tlsServerName = cluster["tls-server-name"];
  return out;
}

/** The server URL of a kubeconfig (current-context → cluster → server). */
export function kubeconfigServer(path: string): string {
  return loadKubeconfig(path).server;
}

/** `--api-servers` accepts `127.0.0.1:8080` (seed 003) as well as URLs. */
export function normalizeServer(server: string): string {
  const trimmed = server.trim().replace(/\/+$/, "");
  return /^[a-z]+:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
}
