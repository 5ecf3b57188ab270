// Reads the server URL out of a kubeconfig file (current-context → cluster → server), the part
// a kube component needs to reach an insecure apiserver. Credentials come with secure serving.

import { readFileSync } from "node:fs";
import { parse } from "yaml";

interface Kubeconfig {
  "current-context"?: string;
  contexts?: Array<{ name: string; context?: { cluster?: string } }>;
  clusters?: Array<{ name: string; cluster?: { server?: string } }>;
}

export class KubeconfigError extends Error {
  override name = "KubeconfigError";
}

export function kubeconfigServer(path: string): string {
  let config: Kubeconfig;
  try {
    config = parse(readFileSync(path, "utf8")) as Kubeconfig;
  } catch (error) {
    throw new KubeconfigError(`cannot read kubeconfig ${path}: ${(error as Error).message}`);
  }
  const contextName = config?.["current-context"];
  const context = config?.contexts?.find((c) => c.name === contextName) ?? config?.contexts?.[0];
  const clusterName = context?.context?.cluster;
  const cluster = config?.clusters?.find((c) => c.name === clusterName) ?? config?.clusters?.[0];
  const server = cluster?.cluster?.server;
  if (!server)
    throw new KubeconfigError(`kubeconfig ${path} names no cluster server: set clusters[].cluster.server`);
  return server;
}

/** `--api-servers` accepts `127.0.0.1:8080` (seed 003) as well as URLs. */
export function normalizeServer(server: string): string {
  const trimmed = server.trim().replace(/\/+$/, "");
  return /^[a-z]+:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
}
