// kube server's certificates and the security settings they make (k3s's control deps):
// <data-dir>/tls with the CA, the serving pair, a client pair per component and node, kubelet
// serving pairs, and the apiserver flags that name them.
import { join } from "node:path";
import { clusterIdentities } from "../lib/pki/cluster-identities.ts";
import { type ClusterPki, ensureClusterPki } from "../lib/pki/ensure-cluster-pki.ts";
import { readSecurityFlags, type SecurityConfig } from "./apiserver-security-flags.ts";
import { servingSans } from "./apiserver-starters.ts";

/** The parts of kube server's options its certificates and security settings depend on. */
export interface ServerPkiOptions {
  dataDir: string;
  serviceClusterIpRange: string;
  clusterDomain: string;
  advertiseAddress?: string;
  bindAddress: string;
  securePort: number;
  authorizationModes: string;
  anonymousAuth: boolean;
  tokenAuthFile?: string;
  encryptionProviderConfig?: string;
}

/** The kubeconfig names the loopback address when the API listens on every interface. */
export function loopbackUrl(url: string): string {
  return url.replace("://0.0.0.0:", "://127.0.0.1:").replace("://[::]:", "://127.0.0.1:");
}

/** `<data-dir>/tls`: the CA, the apiserver's serving pair, a client pair per component and node. */
export async function clusterPki(
  options: ServerPkiOptions,
  nodes: string[],
  log: (line: string) => void,
): Promise<ClusterPki> {
  const started = performance.now();
  const pki = await ensureClusterPki(join(options.dataDir, "tls"), {
    serverSans: servingSans({
      serviceClusterIpRange: options.serviceClusterIpRange,
      clusterDomain: options.clusterDomain,
      extra: options.advertiseAddress ? [options.advertiseAddress] : [],
    }),
    clients: [...clusterIdentities(nodes), { name: "kube-dns", commonName: "system:kube-dns" }],
  });
  if (pki.written.length)
    log(
      `certificates: made ${pki.written.length} files in ${pki.dir} in ${Math.round(performance.now() - started)} ms`,
    );
  return pki;
}

export function serverSecurity(options: ServerPkiOptions, pki: ClusterPki): SecurityConfig {
  const kubeletClient = pki.clients["apiserver-kubelet-client"];
  return readSecurityFlags({
    "secure-port": String(options.securePort),
    "bind-address": options.bindAddress,
    "tls-cert-file": pki.server.certPath,
    "tls-private-key-file": pki.server.keyPath,
    "client-ca-file": pki.ca.certPath,
    "service-account-key-file": pki.serviceAccount.publicKeyPath,
    "service-account-signing-key-file": pki.serviceAccount.keyPath,
    "service-account-issuer": `https://kubernetes.default.svc.${options.clusterDomain}`,
    "authorization-mode": options.authorizationModes,
    "anonymous-auth": options.anonymousAuth,
    ...(options.tokenAuthFile ? { "token-auth-file": options.tokenAuthFile } : {}),
    ...(kubeletClient
      ? {
          "kubelet-client-certificate": kubeletClient.certPath,
          "kubelet-client-key": kubeletClient.keyPath,
          // kubeadm's default: kubelets' serving certificates are not verified, so a kubelet
          // joined with its own self-signed pair still serves logs and exec.
        }
      : {}),
    ...(options.encryptionProviderConfig
      ? { "encryption-provider-config": options.encryptionProviderConfig }
      : {}),
  });
}

/** Where kubelet serving pairs are signed, with the apiserver SANs that keep its own pair current. */
export function kubeletPkiSpec(
  options: ServerPkiOptions,
  pki: ClusterPki | undefined,
): { dir: string; serverSans: string[] } | undefined {
  if (!pki) return undefined;
  return {
    dir: pki.dir,
    serverSans: servingSans({
      serviceClusterIpRange: options.serviceClusterIpRange,
      clusterDomain: options.clusterDomain,
      extra: options.advertiseAddress ? [options.advertiseAddress] : [],
    }),
  };
}

/** A node's kubelet serving certificate for the addresses it has now (reissued when they change). */
export async function kubeletServingPair(
  options: ServerPkiOptions,
  pki: ClusterPki | undefined,
  node: string,
  addresses: string[],
): Promise<{ certPem: string; keyPem: string; clientCaPem: string } | undefined> {
  const spec = kubeletPkiSpec(options, pki);
  if (!spec) return undefined;
  const updated = await ensureClusterPki(spec.dir, {
    serverSans: spec.serverSans,
    clients: [],
    kubeletServing: [{ node, addresses }],
  });
  const pair = updated.kubeletServing[node];
  return pair ? { certPem: pair.certPem, keyPem: pair.keyPem, clientCaPem: updated.ca.certPem } : undefined;
}
