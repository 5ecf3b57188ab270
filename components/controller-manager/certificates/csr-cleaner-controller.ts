// The csrcleaner controller (upstream pkg/controller/certificates/cleaner): CSRs are deleted an
// hour after they were issued, denied or failed, a day after creation while still pending, and
// as soon as their certificate has expired. Every CSR is looked at on start and then hourly; a
// CSR's key also comes back when it is due.
import { X509Certificate } from "node:crypto";
import type { CertificateSigningRequest } from "kubernetes-types/certificates/v1";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import type { Timer } from "../../../lib/clock/clock.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { runController, type SyncingController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor } from "../controller.ts";
import { CSR_PATH } from "./csr-signing-controller.ts";

const HOUR = 3600_000;
const PENDING_MS = 24 * HOUR;
const DECIDED_MS = HOUR;

/** When `csr` may be deleted (ms since the epoch), or undefined when never by age. */
export function cleanupDue(csr: CertificateSigningRequest): number | undefined {
  const conditions = csr.status?.conditions ?? [];
  const at = (type: string) => {
    const c = conditions.find((x) => x.type === type);
    return c ? Date.parse(c.lastUpdateTime ?? c.lastTransitionTime ?? "") || 0 : undefined;
  };
  const due: number[] = [];
  const cert = csr.status?.certificate;
  if (cert) {
    const approved = at("Approved");
    if (approved !== undefined) due.push(approved + DECIDED_MS);
    try {
      due.push(new X509Certificate(Buffer.from(cert, "base64")).validToDate.getTime());
    } catch {
      // Not a certificate kube can read: only the issued deadline applies.
    }
  }
  for (const type of ["Denied", "Failed"]) {
    const t = at(type);
    if (t !== undefined) due.push(t + DECIDED_MS);
  }
  if (!cert && at("Approved") === undefined && at("Denied") === undefined) {
    const created = Date.parse(csr.metadata?.creationTimestamp ?? "");
    if (created) due.push(created + PENDING_MS);
  }
  return due.length ? Math.min(...due) : undefined;
}

export function startCsrCleanerController(context: ControllerContext): SyncingController {
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
  let ticker: Timer | undefined;
  const everyHour = () => {
    for (const csr of csrs.list()) enqueue(csr);
    ticker = context.clock.after(HOUR, everyHour);
  };

  const sync = async (name: string): Promise<void> => {
    const csr = csrs.get(name);
    if (!csr) return;
    const due = cleanupDue(csr);
    if (due === undefined) return;
    const wait = due - context.clock.now();
    if (wait > 0) {
      queue.addAfter(name, Math.min(wait, HOUR));
      return;
    }
    try {
      await client.delete(name, csr.metadata?.uid ? { uid: csr.metadata.uid } : {});
      context.log(`csrcleaner: deleted ${name}`);
    } catch (error) {
      if (!isStatus(error, 404) && !isStatus(error, 409)) throw error;
    }
  };
  return runController(context, {
    queue,
    sync,
    synced: [csrs.synced],
    onSynced: everyHour,
    onStop: () => {
      ticker?.stop();
    },
  });
}

export const csrCleanerController: ControllerDescriptor = {
  name: "csrcleaner",
  start: (context) => startCsrCleanerController(context),
};
