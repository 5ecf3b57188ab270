// Columns for cluster-policy kinds: PodDisruptionBudget, Lease, PriorityClass, RuntimeClass,
// CertificateSigningRequest, and the autoscaling/v1 Scale subresource. Upstream: printers.go.

import type { Scale } from "kubernetes-types/autoscaling/v1";
import type { CertificateSigningRequest } from "kubernetes-types/certificates/v1";
import type { Lease } from "kubernetes-types/coordination/v1";
import type { RuntimeClass } from "kubernetes-types/node/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import { age } from "./age.ts";
import { columnDescriptions } from "./column-descriptions.ts";
import { ageColumn, column, nameColumn } from "./columns.ts";
import { definePrinter } from "./define-printer.ts";
import { intOrString } from "./format.ts";
import { humanDuration } from "./human-duration.ts";

export const podDisruptionBudgetPrinter = definePrinter<PodDisruptionBudget>(
  [
    nameColumn,
    column("Min Available", "The minimum number of pods that must be available."),
    column("Max Unavailable", "The maximum number of pods that may be unavailable."),
    column("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time.", {
      type: "integer",
    }),
    ageColumn,
  ],
  (pdb, now) => {
    const min = pdb.spec?.minAvailable;
    const max = pdb.spec?.maxUnavailable;
    return {
      cells: [
        pdb.metadata?.name ?? "",
        min === undefined || min === null ? "N/A" : intOrString(min),
        max === undefined || max === null ? "N/A" : intOrString(max),
        pdb.status?.disruptionsAllowed ?? 0,
        age(pdb.metadata?.creationTimestamp, now),
      ],
    };
  },
);

export const leasePrinter = definePrinter<Lease>(
  [nameColumn, column("Holder", columnDescriptions.leaseHolder), ageColumn],
  (lease, now) => ({
    cells: [
      lease.metadata?.name ?? "",
      lease.spec?.holderIdentity ?? "",
      age(lease.metadata?.creationTimestamp, now),
    ],
  }),
);

export const priorityClassPrinter = definePrinter<PriorityClass>(
  [
    nameColumn,
    column("Value", columnDescriptions.pcValue, { type: "integer" }),
    column("Global-Default", columnDescriptions.pcGlobalDefault, { type: "boolean" }),
    ageColumn,
    column("PreemptionPolicy", columnDescriptions.pcPreemptionPolicy),
  ],
  (pc, now) => ({
    cells: [
      pc.metadata?.name ?? "",
      pc.value ?? 0,
      pc.globalDefault ?? false,
      age(pc.metadata?.creationTimestamp, now),
      pc.preemptionPolicy ?? "",
    ],
  }),
);

export const runtimeClassPrinter = definePrinter<RuntimeClass>(
  // Upstream reads the Handler description from ObjectMeta's docs, which have none: it is empty.
  [nameColumn, column("Handler", ""), ageColumn],
  (rc, now) => ({
    cells: [rc.metadata?.name ?? "", rc.handler ?? "", age(rc.metadata?.creationTimestamp, now)],
  }),
);

/** Denied/Approved/Pending, then ",Failed" and ",Issued". */
function csrStatus(csr: CertificateSigningRequest): string {
  const types = new Set((csr.status?.conditions ?? []).map((c) => c.type));
  let status = types.has("Denied") ? "Denied" : types.has("Approved") ? "Approved" : "Pending";
  if (types.has("Failed")) status += ",Failed";
  if (csr.status?.certificate) status += ",Issued";
  return status;
}

export const certificateSigningRequestPrinter = definePrinter<CertificateSigningRequest>(
  [
    nameColumn,
    ageColumn,
    column("SignerName", columnDescriptions.csrSignerName),
    column("Requestor", columnDescriptions.csrRequest),
    column("RequestedDuration", columnDescriptions.csrExpirationSeconds),
    column("Condition", columnDescriptions.csrConditions),
  ],
  (csr, now) => {
    const seconds = csr.spec?.expirationSeconds;
    return {
      cells: [
        csr.metadata?.name ?? "",
        age(csr.metadata?.creationTimestamp, now),
        csr.spec?.signerName || "<none>",
        csr.spec?.username ?? "",
        seconds === undefined || seconds === null ? "<none>" : humanDuration(seconds * 1000),
        csrStatus(csr),
      ],
    };
  },
);

/** `kubectl get --subresource=scale`; upstream's Name column here has no "name" format. */
export const scalePrinter = definePrinter<Scale>(
  [
    column("Name", columnDescriptions.name),
    column("Desired", "replicas is the desired number of instances for the scaled object.", {
      type: "integer",
    }),
    column("Available", "replicas is the actual number of observed instances of the scaled object.", {
      type: "integer",
    }),
    ageColumn,
  ],
  (scale, now) => ({
    cells: [
      scale.metadata?.name ?? "",
      scale.spec?.replicas ?? 0,
      scale.status?.replicas ?? 0,
      age(scale.metadata?.creationTimestamp, now),
    ],
  }),
);
