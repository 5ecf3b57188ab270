// networking.k8s.io and discovery.k8s.io columns: Ingress (Class, Hosts, Address, Ports), IngressClass,
// NetworkPolicy, EndpointSlice. Upstream: pkg/printers/internalversion/printers.go (printIngress, ...).

import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type {
  Ingress,
  IngressClass,
  IngressLoadBalancerStatus,
  NetworkPolicy,
} from "kubernetes-types/networking/v1";
import { age } from "./age.ts";
import { columnDescriptions } from "./column-descriptions.ts";
import { ageColumn, column, nameColumn } from "./columns.ts";
import { definePrinter } from "./define-printer.ts";
import { formatLabelSelector, listWithMore } from "./format.ts";

/** Up to three rule hosts, "*" when no rule names one. */
function formatHosts(ingress: Ingress): string {
  const rules = ingress.spec?.rules ?? [];
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === max) more = true;
    if (!more && rule.host) list.push(rule.host);
  }
  if (list.length === 0) return "*";
  return more ? `${list.join(",")} + ${rules.length - max} more...` : list.join(",");
}

function ingressAddress(status: IngressLoadBalancerStatus | undefined): string {
  const result = new Set<string>();
  for (const ingress of status?.ingress ?? []) {
    if (ingress.ip) result.add(ingress.ip);
    else if (ingress.hostname) result.add(ingress.hostname);
  }
  return [...result].sort().join(",");
}

export const ingressPrinter = definePrinter<Ingress>(
  [
    nameColumn,
    column("Class", "The name of the IngressClass resource that should be used for additional configuration"),
    column("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
    column("Address", "Address is a list containing ingress points for the load-balancer"),
    column("Ports", "Ports of TLS configurations that open"),
    ageColumn,
  ],
  (ing, now) => ({
    cells: [
      ing.metadata?.name ?? "",
      ing.spec?.ingressClassName ?? "<none>",
      formatHosts(ing),
      ingressAddress(ing.status?.loadBalancer),
      (ing.spec?.tls ?? []).length > 0 ? "80, 443" : "80",
      age(ing.metadata?.creationTimestamp, now),
    ],
  }),
);

export const ingressClassPrinter = definePrinter<IngressClass>(
  [
    nameColumn,
    column("Controller", "Controller that is responsible for handling this class"),
    column("Parameters", "A reference to a resource with additional parameters"),
    ageColumn,
  ],
  (ic, now) => {
    const p = ic.spec?.parameters;
    const parameters = p ? `${p.kind}${p.apiGroup ? `.${p.apiGroup}` : ""}/${p.name}` : "<none>";
    return {
      cells: [
        ic.metadata?.name ?? "",
        ic.spec?.controller ?? "",
        parameters,
        age(ic.metadata?.creationTimestamp, now),
      ],
    };
  },
);

export const networkPolicyPrinter = definePrinter<NetworkPolicy>(
  [nameColumn, column("Pod-Selector", columnDescriptions.netpolPodSelector), ageColumn],
  (np, now) => ({
    cells: [
      np.metadata?.name ?? "",
      // podSelector is a value, not a pointer, upstream: an absent one is the empty selector.
      formatLabelSelector(np.spec?.podSelector ?? {}),
      age(np.metadata?.creationTimestamp, now),
    ],
  }),
);

export const endpointSlicePrinter = definePrinter<EndpointSlice>(
  [
    nameColumn,
    column("AddressType", columnDescriptions.epsAddressType),
    column("Ports", columnDescriptions.epsPorts),
    column("Endpoints", columnDescriptions.epsEndpoints),
    ageColumn,
  ],
  (eps, now) => {
    const max = 3;
    const ports = (eps.ports ?? []).map((p) =>
      p.port !== undefined && p.port !== null ? String(p.port) : (p.name ?? "*"),
    );
    const addresses = (eps.endpoints ?? []).flatMap((e) => e.addresses ?? []);
    return {
      cells: [
        eps.metadata?.name ?? "",
        eps.addressType ?? "",
        listWithMore(ports.slice(0, max), ports.length, max),
        listWithMore(addresses.slice(0, max), addresses.length, max),
        age(eps.metadata?.creationTimestamp, now),
      ],
    };
  },
);
