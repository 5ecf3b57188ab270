// The cluster's certificates under <data-dir>/tls/ (k3s's pkg/daemons/control/deps, kubeadm's
// certs phase): a CA, the apiserver's serving pair, a client pair per identity, kubelet serving
// pairs and the ServiceAccount signing key. Made on first call, reused after, reissued when stale.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type CertificateAuthority,
  createCertificateAuthority,
  issueCertificate,
} from "./issue-certificate.ts";
import { parseCertificate } from "./parse-certificate.ts";
import { generatePrivateKey, loadPrivateKey, type PrivateKey } from "./private-key.ts";
import { ensurePrivateDir, writeSecretFile } from "./write-secret-file.ts";

export interface ClientIdentity {
  /** File stem: <name>.crt and <name>.key. */
  name: string;
  commonName: string;
  organizations?: string[];
}

export interface KubeletServingSpec {
  node: string;
  /** The node's IP addresses (SANs besides the node name). */
  addresses: string[];
}

export interface ClusterPkiSpec {
  /** DNS names and IPs the apiserver is reached at (its serving certificate's SANs). */
  serverSans: string[];
  clients: ClientIdentity[];
  /** kubelet-<node>-serving.{crt,key}: CN system:node:<node>, O system:nodes. */
  kubeletServing?: KubeletServingSpec[];
  /** Subject CN of a new CA; default "kube-ca@<unix seconds>", as k3s's "k3s-server-ca@...". */
  caCommonName?: string;
  now?: Date;
}

export interface CertPair {
  certPath: string;
  keyPath: string;
  certPem: string;
  keyPem: string;
}

export interface ClusterPki {
  dir: string;
  ca: CertPair;
  server: CertPair;
  /** By identity name. */
  clients: Record<string, CertPair>;
  /** By node name. */
  kubeletServing: Record<string, CertPair>;
  serviceAccount: { keyPath: string; publicKeyPath: string; keyPem: string; publicKeyPem: string };
  /** Base names of the files this call wrote (empty when everything was reused). */
  written: string[];
}

/** A leaf closer than this to its expiry is reissued at start (k3s renews within 90 days). */
const RENEW_BEFORE_MS = 90 * 24 * 60 * 60 * 1000;

interface Wanted {
  name: string;
  commonName: string;
  organizations: string[];
  usage: "client" | "server";
  sans: string[];
}

export async function ensureClusterPki(dir: string, spec: ClusterPkiSpec): Promise<ClusterPki> {
  const now = spec.now ?? new Date();
  const wanted: Wanted[] = [
    {
      name: "server",
      commonName: "kube-apiserver",
      organizations: [],
      usage: "server",
      sans: spec.serverSans,
    },
    ...spec.clients.map((c) => ({
      name: c.name,
      commonName: c.commonName,
      organizations: c.organizations ?? [],
      usage: "client" as const,
      sans: [],
    })),
    ...(spec.kubeletServing ?? []).map((k) => ({
      name: `kubelet-${k.node}-serving`,
      commonName: `system:node:${k.node}`,
      organizations: ["system:nodes"],
      usage: "server" as const,
      sans: [k.node, ...k.addresses],
    })),
  ];
  for (const w of wanted)
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(w.name)) throw new Error(`invalid certificate name "${w.name}"`);
  ensurePrivateDir(dir);
  const written: string[] = [];
  const write = (file: string, pem: string) => {
    writeSecretFile(join(dir, file), pem);
    written.push(file);
  };
  const ca = await loadOrCreateCa(dir, spec, now, write);
  const caCert = new X509Certificate(ca.certPem);

  const leaf = async (w: Wanted): Promise<CertPair> => {
    const certPath = join(dir, `${w.name}.crt`);
    const keyPath = join(dir, `${w.name}.key`);
    const existing = readPair(certPath, keyPath);
    if (existing && current(existing, w, caCert, now)) return { certPath, keyPath, ...existing };
    const key = await generatePrivateKey();
    const certPem = await issueCertificate({ ca: await ca.signer(), key, now, ...w });
    write(`${w.name}.key`, key.pem);
    write(`${w.name}.crt`, certPem);
    return { certPath, keyPath, certPem, keyPem: key.pem };
  };

  const pairs = await Promise.all(wanted.map(leaf));
  const byName = new Map(wanted.map((w, i) => [w.name, pairs[i] as CertPair]));
  const clients: Record<string, CertPair> = {};
  for (const c of spec.clients) clients[c.name] = byName.get(c.name) as CertPair;
  const kubeletServing: Record<string, CertPair> = {};
  for (const k of spec.kubeletServing ?? [])
    kubeletServing[k.node] = byName.get(`kubelet-${k.node}-serving`) as CertPair;

  const serviceAccount = await ensureServiceAccountKey(dir, write);
  // Files kept from before (or put there by the user) are made 0600 too.
  for (const p of [...pairs, { certPath: join(dir, "ca.crt"), keyPath: join(dir, "ca.key") }]) {
    chmodSync(p.certPath, 0o600);
    chmodSync(p.keyPath, 0o600);
  }
  chmodSync(serviceAccount.keyPath, 0o600);
  chmodSync(serviceAccount.publicKeyPath, 0o600);
  return {
    dir,
    ca: {
      certPath: join(dir, "ca.crt"),
      keyPath: join(dir, "ca.key"),
      certPem: ca.certPem,
      keyPem: ca.keyPem,
    },
    server: byName.get("server") as CertPair,
    clients,
    kubeletServing,
    serviceAccount,
    written,
  };
}

interface LoadedCa {
  certPem: string;
  keyPem: string;
  /** The WebCrypto signer, loaded only when a certificate must be issued. */
  signer: () => Promise<CertificateAuthority>;
}

async function loadOrCreateCa(
  dir: string,
  spec: ClusterPkiSpec,
  now: Date,
  write: (file: string, pem: string) => void,
): Promise<LoadedCa> {
  const certPath = join(dir, "ca.crt");
  const keyPath = join(dir, "ca.key");
  const hasCert = existsSync(certPath);
  const hasKey = existsSync(keyPath);
  if (hasCert !== hasKey)
    throw new Error(
      `${hasCert ? certPath : keyPath} exists without ${hasCert ? keyPath : certPath}: give both or neither`,
    );
  if (hasCert) {
    const certPem = readFileSync(certPath, "utf8");
    const keyPem = readFileSync(keyPath, "utf8");
    const cert = new X509Certificate(certPem);
    if (!cert.ca) throw new Error(`${certPath} is not a CA certificate (basicConstraints CA:FALSE)`);
    if (!cert.checkPrivateKey(createPrivateKey(keyPem)))
      throw new Error(`${keyPath} does not match ${certPath}`);
    let signer: Promise<CertificateAuthority> | undefined;
    return {
      certPem,
      keyPem,
      signer: () => {
        signer ??= loadPrivateKey(keyPem).then((key: PrivateKey) => ({ certPem, key }));
        return signer;
      },
    };
  }
  const key = await generatePrivateKey();
  const commonName = spec.caCommonName ?? `kube-ca@${Math.floor(now.getTime() / 1000)}`;
  const ca = await createCertificateAuthority({ commonName, key, now });
  write("ca.key", key.pem);
  write("ca.crt", ca.certPem);
  return { certPem: ca.certPem, keyPem: key.pem, signer: async () => ca };
}

function readPair(certPath: string, keyPath: string): { certPem: string; keyPem: string } | undefined {
  if (!existsSync(certPath) || !existsSync(keyPath)) return undefined;
  return { certPem: readFileSync(certPath, "utf8"), keyPem: readFileSync(keyPath, "utf8") };
}

/** Reusable: signed by this CA, matching its key, far from expiry, with the wanted subject and SANs. */
function current(
  pair: { certPem: string; keyPem: string },
  w: Wanted,
  ca: X509Certificate,
  now: Date,
): boolean {
  try {
    const cert = new X509Certificate(pair.certPem);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false;
    if (!cert.checkPrivateKey(createPrivateKey(pair.keyPem))) return false;
    if (cert.validToDate.getTime() - now.getTime() < RENEW_BEFORE_MS || cert.validFromDate > now)
      return false;
    const info = parseCertificate(cert.raw);
    return (
      info.subjectCN === w.commonName &&
      sameSet(info.organizations, w.organizations) &&
      sameSet(info.sans.map(canonical), w.sans.map(canonical))
    );
  } catch {
    return false;
  }
}

async function ensureServiceAccountKey(
  dir: string,
  write: (file: string, pem: string) => void,
): Promise<ClusterPki["serviceAccount"]> {
  const keyPath = join(dir, "service-account.key");
  const publicKeyPath = join(dir, "service-account.pub");
  if (existsSync(keyPath)) {
    const keyPem = readFileSync(keyPath, "utf8");
    const key = await loadPrivateKey(keyPem);
    const stored = existsSync(publicKeyPath) ? readFileSync(publicKeyPath, "utf8") : "";
    if (stored !== key.publicPem) write("service-account.pub", key.publicPem);
    return { keyPath, publicKeyPath, keyPem, publicKeyPem: key.publicPem };
  }
  const key = await generatePrivateKey();
  write("service-account.key", key.pem);
  write("service-account.pub", key.publicPem);
  return { keyPath, publicKeyPath, keyPem: key.pem, publicKeyPem: key.publicPem };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
}

/** IPv6 SANs compare by value ("::1" and "0:0:0:0:0:0:0:1" are one address). */
function canonical(san: string): string {
  return san.includes(":") ? new URL(`http://[${san}]/`).hostname.slice(1, -1) : san.toLowerCase();
}
