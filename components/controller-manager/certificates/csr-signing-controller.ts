// The csrsigning controller (upstream pkg/controller/certificates/signer): approved requests for
// kubernetes.io/kube-apiserver-client, kube-apiserver-client-kubelet and kubelet-serving are
// signed with the cluster CA (--cluster-signing-cert-file/--cluster-signing-key-file) for
// --cluster-signing-duration, or expirationSeconds when shorter (never under 10 minutes).
import type { CertificateSigningRequest } from "kubernetes-types/certificates/v1";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import type { CertificateAuthority } from "../../../lib/pki/issue-certificate.ts";
import { parseCsrPem } from "../../../lib/pki/parse-csr.ts";
import { loadPrivateKey } from "../../../lib/pki/private-key.ts";
import { signCsr } from "../../../lib/pki/sign-csr.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { runController, type SyncingController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor, RunningController } from "../controller.ts";
import { checkRequestForSigner } from "./signer-checks.ts";

export const CSR_PATH = "/apis/certificates.k8s.io/v1/certificatesigningrequests";
/** upstream's --cluster-signing-duration default: one year. */
export const DEFAULT_SIGNING_DURATION_MS = 365 * 24 * 3600 * 1000;
const MIN_DURATION_MS = 10 * 60 * 1000;

const hasTrue = (csr: CertificateSigningRequest, type: string) =>
  (csr.status?.conditions ?? []).some((c) => c.type === type && c.status === "True");

export function startCsrSigningController(
  context: ControllerContext,
  ca: CertificateAuthority,
  durationMs = DEFAULT_SIGNING_DURATION_MS,
): SyncingController {
  const csrs = context.informers.for<CertificateSigningRequest>(CSR_PATH);
  const client = resource<CertificateSigningRequest>(
    context.client,
    "certificatesigningrequests.certificates.k8s.io",
  );
  const queue = new WorkQueue();
  const enqueue = (csr: CertificateSigningRequest) => {
    if (csr.metadata?.name) queue.add(csr.metadata.name);
  };
  csrs.addHandlers({ onAdd: enqueue, onUpdate: (_old, csr) => enqueue(csr) });

  const duration = (expirationSeconds: number | undefined): number => {
    if (expirationSeconds === undefined) return durationMs;
    return Math.min(durationMs, Math.max(MIN_DURATION_MS, expirationSeconds * 1000));
  };

  const sync = async (name: string): Promise<void> => {
    const cached = csrs.get(name);
    if (!cached || cached.status?.certificate) return;
    // Unapproved, denied or failed requests are not signed.
    if (!hasTrue(cached, "Approved") || hasTrue(cached, "Denied") || hasTrue(cached, "Failed")) return;
    const csr = structuredClone(cached);
    const usages = (csr.spec.usages ?? []) as string[];
    const request = parseCsrPem(Buffer.from(csr.spec.request, "base64").toString("utf8"));
    const { recognized, problem } = checkRequestForSigner(csr.spec.signerName, request, usages);
    if (!recognized) return;
    const status = csr.status ?? {};
    if (problem) {
      const now = context
        .now()
        .toISOString()
        .replace(/\.\d+Z$/, "Z");
      status.conditions = [
        ...(status.conditions ?? []),
        {
          type: "Failed",
          status: "True",
          reason: "SignerValidationFailure",
          message: problem,
          lastUpdateTime: now,
        },
      ];
      context.log(`csrsigning: ${name}: ${problem}`);
    } else {
      const pem = signCsr({
        ca,
        request,
        usages,
        durationMs: duration(csr.spec.expirationSeconds),
        now: context.now(),
      });
      status.certificate = Buffer.from(pem).toString("base64");
    }
    csr.status = status;
    try {
      await client.updateStatus(csr);
    } catch (error) {
      // A newer version is on its way through the informer; it brings the key back.
      if (!isStatus(error, 409) && !isStatus(error, 404)) throw error;
    }
  };
  return runController(context, { queue, sync, synced: [csrs.synced] });
}

const NOTHING: RunningController = { stop: async () => undefined };

export const csrSigningController: ControllerDescriptor = {
  name: "csrsigning",
  async start(context) {
    const { clusterSigningCert, clusterSigningKey } = context.options;
    if (!clusterSigningCert || !clusterSigningKey) {
      context.log("csrsigning: no --cluster-signing-cert-file/--cluster-signing-key-file; not signing");
      return NOTHING;
    }
    const ca: CertificateAuthority = {
      certPem: clusterSigningCert,
      key: await loadPrivateKey(clusterSigningKey),
    };
    return startCsrSigningController(context, ca, context.options.clusterSigningDurationMs);
  },
};
