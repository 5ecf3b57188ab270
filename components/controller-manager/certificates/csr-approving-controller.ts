// The csrapproving controller (upstream pkg/controller/certificates/approver/sarapprove.go):
// kubelet client CSRs (signer kubernetes.io/kube-apiserver-client-kubelet, a valid node client
// subject and usages) are approved when a SubjectAccessReview says the requester may create
// certificatesigningrequests/selfnodeclient (renewing its own) or /nodeclient (bootstrap).
import type { CertificateSigningRequest } from "kubernetes-types/certificates/v1";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import { parseCsrPem } from "../../../lib/pki/parse-csr.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { runController, type SyncingController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor } from "../controller.ts";
import { CSR_PATH } from "./csr-signing-controller.ts";
import { checkRequestForSigner, KUBELET_CLIENT } from "./signer-checks.ts";

interface SubjectAccessReview {
  status?: { allowed?: boolean };
}

const decided = (csr: CertificateSigningRequest) =>
  (csr.status?.conditions ?? []).some((c) => c.type === "Approved" || c.type === "Denied");

export function startCsrApprovingController(context: ControllerContext): SyncingController {
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

  const allowed = async (csr: CertificateSigningRequest, subresource: string): Promise<boolean> => {
    const review = await context.client.create<SubjectAccessReview>(
      "/apis/authorization.k8s.io/v1/subjectaccessreviews",
      {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec: {
          user: csr.spec.username,
          uid: csr.spec.uid,
          groups: csr.spec.groups,
          extra: csr.spec.extra,
          resourceAttributes: {
            group: "certificates.k8s.io",
            resource: "certificatesigningrequests",
            verb: "create",
            subresource,
          },
        },
      },
    );
    return review.status?.allowed === true;
  };

  const sync = async (name: string): Promise<void> => {
    const cached = csrs.get(name);
    if (!cached || decided(cached) || cached.status?.certificate) return;
    if (cached.spec.signerName !== KUBELET_CLIENT) return;
    let request: ReturnType<typeof parseCsrPem>;
    try {
      request = parseCsrPem(Buffer.from(cached.spec.request, "base64").toString("utf8"));
    } catch {
      return;
    }
    const usages = (cached.spec.usages ?? []) as string[];
    if (checkRequestForSigner(KUBELET_CLIENT, request, usages).problem) return;
    const self = cached.spec.username === request.commonName;
    let message: string | undefined;
    if (self && (await allowed(cached, "selfnodeclient")))
      message = "Auto approving self kubelet client certificate after SubjectAccessReview.";
    else if (await allowed(cached, "nodeclient"))
      message = "Auto approving kubelet client certificate after SubjectAccessReview.";
    if (!message) {
      context.log(
        `csrapproving: ${name}: recognized as a kubelet client certificate but no SubjectAccessReview allowed it`,
      );
      return;
    }
    const csr = structuredClone(cached);
    const now = context
      .now()
      .toISOString()
      .replace(/\.\d+Z$/, "Z");
    csr.status = {
      ...csr.status,
      conditions: [
        ...(csr.status?.conditions ?? []),
        { type: "Approved", status: "True", reason: "AutoApproved", message, lastUpdateTime: now },
      ],
    };
    try {
      await client.update(csr, "approval");
    } catch (error) {
      if (!isStatus(error, 409) && !isStatus(error, 404)) throw error;
    }
  };
  return runController(context, { queue, sync, synced: [csrs.synced] });
}

export const csrApprovingController: ControllerDescriptor = {
  name: "csrapproving",
  start: (context) => startCsrApprovingController(context),
};
