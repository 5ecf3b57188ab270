// APIService columns (apiregistration.k8s.io): Name, Service ("Local" or namespace/name), Available, Age.
// Upstream: staging/src/k8s.io/kube-aggregator/pkg/registry/apiservice/etcd/etcd.go (ConvertToTable).

import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { age } from "./age.ts";
import { ageColumn, column, nameColumn } from "./columns.ts";
import { definePrinter } from "./define-printer.ts";

/** The fields of apiregistration.k8s.io/v1 APIService this printer reads (kubernetes-types has no such group). */
interface APIService {
  metadata?: ObjectMeta;
  spec?: { service?: { namespace?: string; name?: string } | null };
  status?: { conditions?: Array<{ type: string; status: string; reason?: string }> };
}

export const apiServicePrinter = definePrinter<APIService>(
  [
    nameColumn,
    column("Service", "The reference to the service that hosts this API endpoint."),
    column("Available", "Whether this service is available."),
    ageColumn,
  ],
  (svc, now) => {
    const ref = svc.spec?.service;
    const service = ref ? `${ref.namespace ?? ""}/${ref.name ?? ""}` : "Local";
    const available = (svc.status?.conditions ?? []).find((c) => c.type === "Available");
    let status = "Unknown";
    if (available) {
      status =
        available.status !== "True" && available.reason
          ? `${available.status} (${available.reason})`
          : available.status;
    }
    return { cells: [svc.metadata?.name ?? "", service, status, age(svc.metadata?.creationTimestamp, now)] };
  },
);
