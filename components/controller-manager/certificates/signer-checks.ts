// What each built-in kubernetes.io signer accepts before it signs (upstream
// pkg/controller/certificates/signer/signer.go isKubeletServing/isKubeletClient/
// isKubeAPIServerClient and pkg/apis/certificates/helpers.go Validate*CSR): subjects and usages.
import type { CertificateRequestInfo } from "../../../lib/pki/parse-csr.ts";

export const KUBE_APISERVER_CLIENT = "kubernetes.io/kube-apiserver-client";
export const KUBELET_CLIENT = "kubernetes.io/kube-apiserver-client-kubelet";
export const KUBELET_SERVING = "kubernetes.io/kubelet-serving";

const sameSet = (a: Set<string>, b: string[]) => a.size === b.length && b.every((x) => a.has(x));
const SERVING = ["digital signature", "key encipherment", "server auth"];
const SERVING_NO_RSA = ["digital signature", "server auth"];
const CLIENT = ["client auth", "digital signature", "key encipherment"];
const CLIENT_NO_RSA = ["digital signature", "client auth"];

function onlySystemNodes(req: CertificateRequestInfo): boolean {
  return req.organizations.length === 1 && req.organizations[0] === "system:nodes";
}

function kubeletServing(req: CertificateRequestInfo, usages: Set<string>): string | undefined {
  if (!onlySystemNodes(req)) return "subject organization is not system:nodes";
  if (req.dnsNames.length === 0 && req.ipAddresses.length === 0)
    return "DNS or IP subjectAltName is required";
  if (req.emailAddresses.length > 0) return "Email subjectAltNames are not allowed";
  if (req.uris.length > 0) return "URI subjectAltNames are not allowed";
  if (!sameSet(usages, SERVING) && !sameSet(usages, SERVING_NO_RSA))
    return `usages did not match [${[...SERVING].sort().join(" ")}]`;
  if (!req.commonName.startsWith("system:node:"))
    return "subject common name does not begin with system:node:";
  return undefined;
}

function kubeletClient(req: CertificateRequestInfo, usages: Set<string>): string | undefined {
  if (!onlySystemNodes(req)) return "subject organization is not system:nodes";
  if (req.dnsNames.length > 0) return "DNS subjectAltNames are not allowed";
  if (req.emailAddresses.length > 0) return "Email subjectAltNames are not allowed";
  if (req.ipAddresses.length > 0) return "IP subjectAltNames are not allowed";
  if (req.uris.length > 0) return "URI subjectAltNames are not allowed";
  if (!req.commonName.startsWith("system:node:"))
    return "subject common name does not begin with system:node:";
  if (!sameSet(usages, CLIENT) && !sameSet(usages, CLIENT_NO_RSA))
    return `usages did not match [${CLIENT.join(" ")}]`;
  return undefined;
}

function apiserverClient(usages: string[]): string | undefined {
  let clientAuth = false;
  for (const u of usages) {
    if (u === "client auth") clientAuth = true;
    else if (u !== "digital signature" && u !== "key encipherment")
      return `invalid usage for client certificate: ${u}`;
  }
  return clientAuth ? undefined : "missing required usage for client certificate: client auth";
}

/**
 * For a signer kube runs: undefined when the request may be signed, else why it may not (the
 * Failed condition's message). Other signers are not kube's: `recognized` is false.
 */
export function checkRequestForSigner(
  signerName: string,
  req: CertificateRequestInfo,
  usages: string[],
): { recognized: boolean; problem?: string } {
  const set = new Set(usages);
  let problem: string | undefined;
  if (signerName === KUBELET_SERVING) problem = kubeletServing(req, set);
  else if (signerName === KUBELET_CLIENT) problem = kubeletClient(req, set);
  else if (signerName === KUBE_APISERVER_CLIENT) problem = apiserverClient(usages);
  else return { recognized: false };
  return problem ? { recognized: true, problem } : { recognized: true };
}
