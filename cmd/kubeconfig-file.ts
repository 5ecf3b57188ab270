// Writes a kubeconfig as kubectl's `config set-cluster --embed-certs` and `set-credentials`
// would: one cluster (server and CA inline), one user (client certificate and key inline, or a
// token), one context. 0600: it holds a private key.
import { chmodSync, writeFileSync } from "node:fs";
import { stringify } from "yaml";

export interface KubeconfigSpec {
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  /** Cluster, user and context name (default "kube"). */
  name?: string;
  user?: string;
}

const b64 = (pem: string): string => Buffer.from(pem).toString("base64");

export function kubeconfigText(spec: KubeconfigSpec): string {
  const name = spec.name ?? "kube";
  const user = spec.user ?? "admin";
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name,
        cluster: {
          server: spec.server,
          ...(spec.caPem ? { "certificate-authority-data": b64(spec.caPem) } : {}),
        },
      },
    ],
    contexts: [{ name, context: { cluster: name, user } }],
    "current-context": name,
    preferences: {},
    users: [
      {
        name: user,
        user: {
          ...(spec.certPem ? { "client-certificate-data": b64(spec.certPem) } : {}),
          ...(spec.keyPem ? { "client-key-data": b64(spec.keyPem) } : {}),
          ...(spec.token ? { token: spec.token } : {}),
        },
      },
    ],
  });
}

export function writeKubeconfig(path: string, spec: KubeconfigSpec): string {
  writeFileSync(path, kubeconfigText(spec), { mode: 0o600 });
  chmodSync(path, 0o600); // an older file keeps its mode through writeFileSync
  return path;
}
