// Inside the apiserver, as kube-aggregator's autoregister, crdregistration and
// AvailableConditionController: keeps one local APIService per served group/version (custom
// resources' groups come and go with their CRDs) and every APIService's Available condition
// current. Requests for a group/version backed by a Service are not proxied (see availability.ts).
import type { Endpoints, Service } from "kubernetes-types/core/v1";
import { RESOURCES } from "../../../lib/api/resources.ts";
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ApiContext } from "../api-context.ts";
import { rfc3339, type Stored } from "../registry/object.ts";
import { createResource, deleteResource, updateResource } from "../registry/resource-store.ts";
import { Aggregator } from "./aggregator.ts";
import { type ApiServiceSpec, availability } from "./availability.ts";
import { AUTOMANAGED_LABEL, localApiServices } from "./local-api-services.ts";
import type { EndpointLookups } from "./service-endpoint.ts";

const MANAGER = { dryRun: false, manager: "kube-apiserver", subresource: "" };
const BUILT_IN = new Set(RESOURCES.map((r) => r.group));

interface Condition {
  type: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

async function discover(url: string, spec: ApiServiceSpec): Promise<{ status: number; body?: unknown }> {
  const ca = spec.caBundle ? Buffer.from(spec.caBundle, "base64").toString("utf8") : undefined;
  const res = await fetch(url, {
    signal: AbortSignal.timeout(5000),
    redirect: "manual",
    tls: { rejectUnauthorized: spec.insecureSkipTLSVerify !== true, ...(ca ? { ca } : {}) },
  });
  const text = await res.text().catch(() => "");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body };
}

export class ApiServiceController {
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** Proxies requests for the Service-backed group/versions and lists their resources. */
  readonly aggregator: Aggregator;

  constructor(
    private readonly ctx: ApiContext,
    private readonly log: (line: string) => void,
    private readonly intervalMs = 2000,
  ) {
    this.aggregator = new Aggregator(this.lookups());
  }

  private lookups(): EndpointLookups {
    const lookup = (plural: string) => this.ctx.registry.lookup("", "v1", plural)?.store;
    return {
      service: async (ns, n) => (await lookup("services")?.current(ns, n))?.obj as Service | undefined,
      endpoints: async (ns, n) => (await lookup("endpoints")?.current(ns, n))?.obj as Endpoints | undefined,
    };
  }

  /** The first pass runs in the background, so the apiserver's start does not wait for it. */
  start(): void {
    void this.sync();
    this.timer = setInterval(() => void this.sync(), this.intervalMs);
    this.timer.unref?.();
  }

  /** No more passes; resolves once the one in progress, if any, ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass; passes never overlap (a call during one waits for it). */
  sync(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= this.pass()
      .catch((err: unknown) => this.log(`apiservices: ${(err as Error).message}`))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async pass(): Promise<void> {
    const { ctx } = this;
    const entry = ctx.registry.lookup("apiregistration.k8s.io", "v1", "apiservices");
    if (!entry) return;
    const desired = localApiServices(ctx.registry.resources(), (g) => BUILT_IN.has(g));
    const wanted = new Set(desired.map((d) => d.metadata?.name ?? ""));
    const existing = new Map(
      (await entry.store.list({ namespace: "" })).items.map((o) => [o.metadata.name ?? "", o] as const),
    );
    for (const obj of desired) {
      if (existing.has(obj.metadata?.name ?? "")) continue;
      try {
        existing.set(obj.metadata?.name ?? "", await createResource(ctx, entry, "", obj, MANAGER));
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 409)) throw err;
      }
    }
    for (const [name, obj] of existing) {
      // A custom resource group whose CRD went away: its APIService goes too.
      if (obj.metadata.labels?.[AUTOMANAGED_LABEL] === "true" && !wanted.has(name)) {
        await deleteResource(ctx, entry, "", name, {}).catch(() => undefined);
        existing.delete(name);
      }
    }
    const remote = [...existing.values()].filter((o) => this.proxied(o.spec as ApiServiceSpec | undefined));
    this.aggregator.retain(
      new Set(
        remote.map(
          (o) => `${(o.spec as ApiServiceSpec).group ?? ""}/${(o.spec as ApiServiceSpec).version ?? ""}`,
        ),
      ),
    );
    await Promise.all([...existing.values()].map((obj) => this.updateAvailability(obj)));
  }

  /**
   * Whether requests for the APIService's group/version go to its Service: only when kube does
   * not serve that group/version itself (installing metrics-server's APIService must not take
   * metrics.k8s.io away from kube's own metrics API).
   */
  private proxied(spec: ApiServiceSpec | undefined): boolean {
    if (!spec?.service) return false;
    return !this.ctx.registry.resources().some((r) => r.group === spec.group && r.version === spec.version);
  }

  private async updateAvailability(obj: Stored): Promise<void> {
    const { ctx } = this;
    const entry = ctx.registry.lookup("apiregistration.k8s.io", "v1", "apiservices");
    if (!entry) return;
    const name = obj.metadata.name ?? "";
    const spec = (obj.spec ?? {}) as ApiServiceSpec;
    const result = await availability(name, spec, { ...this.lookups(), discover });
    const next = result.condition;
    if (this.proxied(spec)) this.aggregator.set(spec, next.status === "True", result.discovery);
    const conditions = ((obj.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).slice();
    const old = conditions.find((c) => c.type === "Available");
    if (old && old.status === next.status && old.reason === next.reason && old.message === next.message)
      return;
    const lastTransitionTime =
      old && old.status === next.status && old.lastTransitionTime
        ? old.lastTransitionTime
        : rfc3339(ctx.now());
    const merged = [...conditions.filter((c) => c.type !== "Available"), { ...next, lastTransitionTime }];
    if (spec.service && (!old || old.status !== next.status))
      this.log(`apiservices: ${name} Available=${next.status} (${next.reason}): ${next.message}`);
    await updateResource(
      ctx,
      entry,
      "",
      name,
      { ...MANAGER, subresource: "status" },
      async (cur) => {
        if (!cur) throw StatusError.notFound(entry.store.qualified, name);
        return { update: { ...cur, status: { ...(cur.status as object), conditions: merged } } };
      },
      false,
    ).catch((err: unknown) => {
      if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
    });
  }
}
