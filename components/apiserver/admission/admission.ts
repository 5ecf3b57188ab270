// The admission chain of kube's apiserver: NamespaceLifecycle (no new content in a missing
// or terminating namespace), ServiceAccount and Priority defaults for pods, and the service
// IP and NodePort allocators. Upstream: plugin/pkg/admission/{namespace/lifecycle,
// serviceaccount,priority} and pkg/registry/core/service/ipallocator and portallocator.
import type { Pod, ServiceAccount } from "kubernetes-types/core/v1";
import { type StatusCause, StatusError } from "../../../lib/errors/status-error.ts";
import { parseIpv4 as ipToNumber, formatIpv4 as ipToString } from "../../../lib/net/ipv4.ts";
import type { KV } from "../../../storage/kv.ts";
import type { KObject, Stored } from "../registry/object.ts";
import type { Entry, Registry } from "../registry/registry.ts";
import type { Admission, AdmissionAttributes } from "./admission-interface.ts";
import { Allocator } from "./allocator.ts";
import { type Cidr, contains, parseCidr } from "./cidr.ts";
import { NamespaceCache } from "./namespace-cache.ts";
import { NodeRestriction } from "./node-restriction.ts";
import { PodSecurityAdmission } from "./pod-security/pod-security-admission.ts";
import type { PodSecurityConfig } from "./pod-security/pod-security-config.ts";
import { admitServiceAccount } from "./service-account-admission.ts";

export interface AdmissionOptions {
  kv: KV;
  registry: () => Registry;
  serviceClusterIpRange: string;
  nodePortRange?: [number, number];
  /**
   * Upstream's ServiceAccount plugin in full: the pod's account must exist and pods get the
   * kube-api-access volume. Off: only the account name is defaulted (no tokens to mount).
   */
  serviceAccounts?: boolean;
  /** The PodSecurity plugin's configuration (--admission-control-config-file); absent: plugin off. */
  podSecurity?: PodSecurityConfig;
}

interface ServicePort {
  name?: string;
  port?: number;
  nodePort?: number;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
}

export class KubeAdmission implements Admission {
  private readonly cidr: Cidr;
  private readonly ips: Allocator;
  private readonly ports: Allocator;
  private readonly portRange: [number, number];
  private readonly namespaces: NamespaceCache;
  private readonly nodeRestriction: NodeRestriction;
  private readonly podSecurity: PodSecurityAdmission | undefined;

  constructor(private readonly options: AdmissionOptions) {
    this.namespaces = new NamespaceCache(() => options.registry().lookup("", "v1", "namespaces")?.store);
    this.nodeRestriction = new NodeRestriction(options.registry);
    this.cidr = parseCidr(options.serviceClusterIpRange);
    this.ips = new Allocator(options.kv, "/registry/ranges/serviceips");
    this.ports = new Allocator(options.kv, "/registry/ranges/servicenodeports");
    this.portRange = options.nodePortRange ?? [30000, 32767];
    this.podSecurity = options.podSecurity
      ? new PodSecurityAdmission({
          config: options.podSecurity,
          namespaceLabels: async (name) => {
            const found = await options.registry().lookup("", "v1", "namespaces")?.store.lookup("", name);
            return found ? (found.obj.metadata.labels ?? {}) : undefined;
          },
          listPods: async (namespace) => {
            const pods = options.registry().lookup("", "v1", "pods");
            return pods ? ((await pods.store.list({ namespace })).items as Pod[]) : [];
          },
        })
      : undefined;
  }

  get serviceRange(): Cidr {
    return this.cidr;
  }

  /** Ends the namespace watch. */
  stop(): void {
    this.namespaces.stop();
  }

  async create(entry: Entry, obj: KObject, attrs: AdmissionAttributes): Promise<void> {
    const dryRun = attrs.dryRun;
    await this.namespaceLifecycle(entry, obj);
    await this.nodeRestriction.create(entry, obj, attrs);
    // ServiceAccount and Priority admission skip subresources (a Binding or an Eviction is no pod).
    if (isCore(entry, "Pod") && attrs.subresource === "") await this.podDefaults(obj);
    await this.validatePodSecurity(entry, obj, undefined, attrs);
    if (isCore(entry, "Service")) await this.allocateService(obj, undefined, dryRun);
  }

  async update(entry: Entry, obj: KObject, old: Stored, attrs: AdmissionAttributes): Promise<void> {
    const dryRun = attrs.dryRun;
    await this.nodeRestriction.update(entry, obj, old, attrs);
    await this.validatePodSecurity(entry, obj, old, attrs);
    if (isCore(entry, "Service")) await this.allocateService(obj, old, dryRun);
  }

  async validateDelete(entry: Entry, obj: Stored, attrs: AdmissionAttributes): Promise<void> {
    await this.nodeRestriction.delete(entry, obj, attrs);
  }

  async deleted(entry: Entry, obj: Stored): Promise<void> {
    if (!isCore(entry, "Service")) return;
    const owner = ownerOf(obj);
    const spec = (obj.spec ?? {}) as ServiceSpec;
    for (const ip of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []))
      await this.ips.release(ip, owner);
    for (const p of spec.ports ?? []) if (p.nodePort) await this.ports.release(String(p.nodePort), owner);
  }

  /** PodSecurity (a validating plugin: after the defaults above); its warnings go to the client. */
  private async validatePodSecurity(
    entry: Entry,
    obj: KObject,
    old: Stored | undefined,
    attrs: AdmissionAttributes,
  ): Promise<void> {
    const plugin = this.podSecurity;
    if (!plugin?.handles(entry.info.group, entry.info.plural)) return;
    const warnings = await plugin.validate({
      operation: old ? "UPDATE" : "CREATE",
      group: entry.info.group,
      resource: entry.info.plural,
      subresource: attrs.subresource,
      namespace: entry.info.namespaced ? (obj.metadata?.namespace ?? "") : "",
      name: obj.metadata?.name ?? "",
      ...(attrs.user ? { username: attrs.user.username } : {}),
      obj: obj as Record<string, unknown>,
      ...(old ? { old: old as Record<string, unknown> } : {}),
    });
    attrs.warnings?.push(...warnings);
  }

  private async namespaceLifecycle(entry: Entry, obj: KObject): Promise<void> {
    if (!entry.info.namespaced) return;
    const ns = obj.metadata?.namespace ?? "";
    if (this.namespaces.isActive(ns)) return;
    const namespaces = this.options.registry().lookup("", "v1", "namespaces");
    if (!namespaces) return;
    const found = await namespaces.store.current("", ns);
    if (!found) throw StatusError.notFound({ group: "", resource: "namespaces" }, ns);
    if (
      found.obj.metadata.deletionTimestamp ||
      (found.obj.status as { phase?: string } | undefined)?.phase === "Terminating"
    ) {
      const refused = StatusError.forbidden(
        { group: entry.info.group, resource: entry.info.plural },
        obj.metadata?.name ?? "",
        `unable to create new content in namespace ${ns} because it is being terminated`,
      );
      // The NamespaceTerminating cause kubectl drain looks for (it then waits for the pod to go).
      throw StatusError.of(refused.code, "Forbidden", refused.message, {
        ...refused.status.details,
        causes: [
          {
            reason: "NamespaceTerminating",
            message: `namespace ${ns} is being terminated`,
            field: "metadata.namespace",
          },
        ],
      });
    }
  }

  /** ServiceAccount and Priority admission: the default account and the class's priority. */
  private async podDefaults(obj: KObject): Promise<void> {
    if (this.options.serviceAccounts) {
      const serviceAccounts = this.options.registry().lookup("", "v1", "serviceaccounts");
      const pod = obj as Pod;
      if (pod.spec && !pod.spec.serviceAccountName && pod.spec.serviceAccount)
        pod.spec.serviceAccountName = pod.spec.serviceAccount;
      await admitServiceAccount(pod, obj.metadata?.namespace ?? "", {
        getServiceAccount: async (ns, name) =>
          (await serviceAccounts?.store.lookup(ns, name))?.obj as ServiceAccount | undefined,
        serviceAccountControllerRuns: async () =>
          (await serviceAccounts?.store.lookup("kube-system", "default")) !== undefined,
      });
    }
    const spec = (obj.spec ?? {}) as {
      serviceAccountName?: string;
      serviceAccount?: string;
      priority?: number;
      priorityClassName?: string;
    };
    const mirror = obj.metadata?.annotations?.["kubernetes.io/config.mirror"] !== undefined;
    if (!(this.options.serviceAccounts && mirror)) {
      spec.serviceAccountName ||= spec.serviceAccount || "default";
      spec.serviceAccount = spec.serviceAccountName;
    }
    if (spec.priorityClassName) {
      const classes = this.options.registry().lookup("scheduling.k8s.io", "v1", "priorityclasses");
      const pc = classes ? await classes.store.current("", spec.priorityClassName) : undefined;
      if (!pc) {
        throw StatusError.forbidden(
          { group: "", resource: "pods" },
          obj.metadata?.name ?? "",
          `no PriorityClass with name ${spec.priorityClassName} was found`,
        );
      }
      spec.priority = (pc.obj as { value?: number }).value ?? 0;
    } else {
      spec.priority ??= 0;
    }
    obj.spec = spec;
  }

  private async allocateService(obj: KObject, old: Stored | undefined, dryRun: boolean): Promise<void> {
    const spec = (obj.spec ?? {}) as ServiceSpec;
    obj.spec = spec;
    const owner = ownerOf(obj);
    const name = obj.metadata?.name ?? "";
    const invalid = (causes: StatusCause[]) =>
      StatusError.invalid({ group: "", kind: "Service" }, name, causes);
    const oldSpec = (old?.spec ?? {}) as ServiceSpec;

    if (spec.type === "ExternalName") {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    } else if (spec.clusterIP !== "None") {
      if (old && oldSpec.clusterIP) {
        spec.clusterIP = oldSpec.clusterIP;
        spec.clusterIPs = oldSpec.clusterIPs ?? [oldSpec.clusterIP];
      } else if (spec.clusterIP) {
        const n = ipToNumber(spec.clusterIP);
        if (n === undefined || !contains(this.cidr, n)) {
          throw invalid([
            {
              reason: "FieldValueInvalid",
              field: "spec.clusterIPs",
              message: `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${this.cidr.text}`,
            },
          ]);
        }
        const free = dryRun
          ? (await this.ips.holder(spec.clusterIP)) === undefined
          : await this.ips.reserve(spec.clusterIP, owner);
        if (!free) {
          throw invalid([
            {
              reason: "FieldValueInvalid",
              field: "spec.clusterIPs",
              message: `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`,
            },
          ]);
        }
        spec.clusterIPs = [spec.clusterIP];
      } else {
        const ip = dryRun ? ipToString(this.cidr.base + 2) : await this.allocateIp(owner);
        if (!ip)
          throw StatusError.internal(`failed to allocate a service IP: range ${this.cidr.text} is full`);
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
      }
    } else {
      spec.clusterIPs = ["None"];
    }

    const wantsNodePorts = spec.type === "NodePort" || spec.type === "LoadBalancer";
    const oldPorts = new Map(
      (oldSpec.ports ?? []).filter((p) => p.nodePort).map((p) => [p.nodePort as number, p]),
    );
    const kept = new Set<number>();
    for (const [i, p] of (spec.ports ?? []).entries()) {
      if (!wantsNodePorts) {
        delete p.nodePort;
        continue;
      }
      if (p.nodePort) {
        if (oldPorts.has(p.nodePort)) {
          kept.add(p.nodePort);
          continue;
        }
        const [lo, hi] = this.portRange;
        if (p.nodePort < lo || p.nodePort > hi) {
          throw invalid([
            {
              reason: "FieldValueInvalid",
              field: `spec.ports[${i}].nodePort`,
              message: `Invalid value: ${p.nodePort}: provided port is not in the valid range. The range of valid ports is ${lo}-${hi}`,
            },
          ]);
        }
        const free = dryRun
          ? (await this.ports.holder(String(p.nodePort))) === undefined
          : await this.ports.reserve(String(p.nodePort), owner);
        if (!free) {
          throw invalid([
            {
              reason: "FieldValueInvalid",
              field: `spec.ports[${i}].nodePort`,
              message: `Invalid value: ${p.nodePort}: provided port is already allocated`,
            },
          ]);
        }
      } else {
        const reuse = [...oldPorts.values()].find(
          (o) => o.name === p.name && !kept.has(o.nodePort as number),
        );
        if (reuse?.nodePort) {
          p.nodePort = reuse.nodePort;
          kept.add(reuse.nodePort);
          continue;
        }
        const port = dryRun ? this.portRange[0] : await this.allocatePort(owner);
        if (!port) throw StatusError.internal("failed to allocate a node port: the range is full");
        p.nodePort = port;
      }
    }
    if (!dryRun) {
      for (const port of oldPorts.keys()) if (!kept.has(port)) await this.ports.release(String(port), owner);
    }
  }

  private allocateIp(owner: string): Promise<string | undefined> {
    const { base, size } = this.cidr;
    // .1 is the kubernetes service and the first tenth is kept for well-known services (DNS
    // at .10), as upstream's static/dynamic split of the range does.
    const lo = base + Math.min(Math.max(16, Math.floor(size / 16)), size - 2);
    const span = base + size - 1 - lo;
    return this.ips.allocate(
      owner,
      () => ipToString(lo + Math.floor(Math.random() * span)),
      function* () {
        for (let n = base + 2; n < base + size - 1; n++) yield ipToString(n);
      },
    );
  }

  private async allocatePort(owner: string): Promise<number | undefined> {
    const [lo, hi] = this.portRange;
    const port = await this.ports.allocate(
      owner,
      () => String(lo + Math.floor(Math.random() * (hi - lo + 1))),
      function* () {
        for (let p = lo; p <= hi; p++) yield String(p);
      },
    );
    return port === undefined ? undefined : Number(port);
  }
}

function isCore(entry: Entry, kind: string): boolean {
  return entry.info.group === "" && entry.info.kind === kind;
}

function ownerOf(obj: KObject): string {
  return `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;
}
