// Serves custom resources while their CRD exists: on each CRD change it registers the served
// versions (discovery, REST, watch), marks the CRD NamesAccepted and Established, and on
// deletion removes every custom resource before letting the CRD go. It runs inside the
// apiserver, as upstream's apiextensions controllers do (establishing, finalizing).
import { StatusError } from "../../../lib/errors/status-error.ts";
import { type KObject, rfc3339, type Stored } from "../registry/object.ts";
import type { Entry, Registry } from "../registry/registry.ts";
import { updateResource } from "../registry/resource-store.ts";
import type { WriteContext } from "../registry/write-context.ts";
import { deleteInstances, refusingCreates } from "./crd-finalizer.ts";
import { type Crd, servedVersions } from "./crd-resources.ts";
import { customResourceStrategy } from "./custom-resource-strategy.ts";

const CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";
// The apiserver's own writes, as upstream's apiextensions controllers make them.
const MAIN = { dryRun: false, manager: "kube-apiserver", subresource: "" };
const STATUS = { ...MAIN, subresource: "status" };

interface CrdStatus {
  conditions?: { type: string; status: string }[];
  acceptedNames?: unknown;
  storedVersions?: string[];
}

export class CrdController {
  private readonly served = new Map<string, { group: string; version: string; plural: string }[]>();
  private readonly abort = new AbortController();
  /** CRDs whose instances are being deleted, and the timers that look again at those left. */
  private readonly finalizing = new Set<string>();
  private readonly retries = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly registry: Registry,
    private readonly crds: Entry,
    private readonly ctx: WriteContext,
    private readonly log: (line: string) => void,
  ) {}

  /** Register every existing CRD, then follow changes until stop(). */
  async start(): Promise<void> {
    const list = await this.crds.store.list({ namespace: "" });
    for (const crd of list.items) await this.sync(crd);
    void this.follow(list.resourceVersion);
  }

  stop(): void {
    this.abort.abort();
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
  }

  private async follow(resourceVersion: string): Promise<void> {
    let rv = resourceVersion;
    while (!this.abort.signal.aborted) {
      try {
        for await (const ev of this.crds.store.watch({
          namespace: "",
          resourceVersion: rv,
          signal: this.abort.signal,
        })) {
          if (ev.type === "PROGRESS") continue;
          if (ev.type === "ERROR") {
            rv = "";
            break;
          }
          const obj = ev.object as Stored;
          rv = obj.metadata.resourceVersion ?? rv;
          if (ev.type === "DELETED") this.unserve(obj.metadata.name ?? "");
          else await this.sync(obj);
        }
      } catch (err) {
        if (this.abort.signal.aborted) return;
        this.log(`crd controller: ${(err as Error).message}; resyncing`);
        rv = "";
      }
      if (rv === "" && !this.abort.signal.aborted) {
        try {
          const list = await this.crds.store.list({ namespace: "" });
          for (const crd of list.items) await this.sync(crd);
          rv = list.resourceVersion;
        } catch (err) {
          // The store may be closing under a stopping apiserver: never an unhandled rejection.
          if (this.abort.signal.aborted) return;
          this.log(`crd controller: ${(err as Error).message}; retrying in 1s`);
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    }
  }

  private async sync(obj: Stored): Promise<void> {
    const crd = obj as unknown as Crd;
    const name = obj.metadata.name ?? "";
    try {
      if (crd.metadata.deletionTimestamp) {
        await this.cleanup(crd, name);
        return;
      }
      this.serve(crd, name, false);
      await this.establish(name);
    } catch (err) {
      this.log(`crd controller: ${name}: ${(err as Error).message}`);
    }
  }

  /** Register the served versions; a terminating CRD's refuse creates. */
  private serve(crd: Crd, name: string, terminating: boolean): void {
    const versions = servedVersions(crd);
    const keep = new Set(versions.map((v) => `${v.info.group}/${v.info.version}/${v.info.plural}`));
    for (const old of this.served.get(name) ?? []) {
      if (!keep.has(`${old.group}/${old.version}/${old.plural}`))
        this.registry.remove(old.group, old.version, old.plural);
    }
    for (const v of versions) {
      const strategy = customResourceStrategy(v.version);
      this.registry.add(v.info, {
        prefix: v.prefix,
        strategy: terminating ? refusingCreates(strategy, v.info.group, v.info.plural) : strategy,
        columns: v.version.additionalPrinterColumns ?? [],
        ...(v.version.subresources?.scale ? { scale: v.version.subresources.scale } : {}),
      });
    }
    this.served.set(
      name,
      versions.map((v) => ({ group: v.info.group, version: v.info.version, plural: v.info.plural })),
    );
  }

  private unserve(name: string): void {
    for (const old of this.served.get(name) ?? []) this.registry.remove(old.group, old.version, old.plural);
    this.served.delete(name);
  }

  /**
   * The cleanup finalizer (a main-resource write), then conditions NamesAccepted and
   * Established, accepted names and stored versions (a status write), each through the
   * resource store and only when something changes (every write comes back as a watch event).
   */
  private async establish(name: string): Promise<void> {
    const found = await this.crds.store.current("", name);
    if (!found) throw StatusError.notFound(this.crds.store.qualified, name);
    if (!(found.obj.metadata.finalizers ?? []).includes(CLEANUP_FINALIZER)) {
      await this.write(name, MAIN, (cur) => {
        const next = structuredClone(cur);
        const finalizers = new Set(next.metadata.finalizers ?? []);
        finalizers.add(CLEANUP_FINALIZER);
        next.metadata.finalizers = [...finalizers];
        return next;
      });
    }
    const current = (await this.crds.store.current("", name))?.obj;
    if (!current || JSON.stringify(established(current, this.ctx.now())) === JSON.stringify(current.status))
      return;
    await this.write(name, STATUS, (cur) => ({
      ...structuredClone(cur),
      status: established(cur, this.ctx.now()),
    }));
  }

  /** A read-modify-write of CRD `name` through the resource store. */
  private async write(name: string, opts: typeof MAIN, change: (cur: Stored) => KObject): Promise<void> {
    await updateResource(
      this.ctx,
      this.crds,
      "",
      name,
      opts,
      async (cur) => {
        if (!cur) throw StatusError.notFound(this.crds.store.qualified, name);
        return { update: change(cur) };
      },
      false,
    );
  }

  /**
   * A deleting CRD: its instances are deleted through their store while it is still served
   * (creates refused), so instances with finalizers wait for them to go; once none is left it
   * stops serving and drops its finalizer, and the CRD is gone. Until then it looks again every
   * second (an instance's finalizer leaving is no CRD event).
   */
  private async cleanup(crd: Crd, name: string): Promise<void> {
    if (this.finalizing.has(name)) return;
    this.finalizing.add(name);
    try {
      this.serve(crd, name, true);
      const version = servedVersions(crd)[0];
      const entry = version
        ? this.registry.lookup(version.info.group, version.info.version, version.info.plural)
        : undefined;
      if (!(await deleteInstances(this.ctx, this.crds, crd, entry))) {
        this.retryLater(name);
        return;
      }
      this.unserve(name);
      // The last finalizer leaving a deleting CRD deletes it (updateResource does that).
      await this.write(name, MAIN, (cur) => {
        const next = structuredClone(cur);
        next.metadata.finalizers = (cur.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
        return next;
      }).catch((err: unknown) => {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      });
    } finally {
      this.finalizing.delete(name);
    }
  }

  private retryLater(name: string): void {
    if (this.retries.has(name) || this.abort.signal.aborted) return;
    const timer = setTimeout(async () => {
      this.retries.delete(name);
      const found = await this.crds.store.current("", name).catch(() => undefined);
      if (found && !this.abort.signal.aborted) await this.sync(found.obj);
    }, 1000);
    this.retries.set(name, timer);
  }
}

/** The status of an established CRD: both conditions True (times kept), names, stored versions. */
function established(obj: Stored, now: Date): CrdStatus {
  const crd = obj as unknown as Crd;
  const status = structuredClone((obj.status ?? {}) as CrdStatus);
  const time = rfc3339(now);
  const conditions = status.conditions ?? [];
  for (const [type, reason, message] of [
    ["NamesAccepted", "NoConflicts", "no conflicts found"],
    ["Established", "InitialNamesAccepted", "the initial names have been accepted"],
  ] as const) {
    if (!conditions.some((c) => c.type === type && c.status === "True")) {
      const rest = conditions.filter((c) => c.type !== type);
      rest.push({ type, status: "True", lastTransitionTime: time, reason, message } as {
        type: string;
        status: string;
      });
      conditions.splice(0, conditions.length, ...rest);
    }
  }
  status.conditions = conditions;
  status.acceptedNames = crd.spec.names;
  const storage = crd.spec.versions.find((v) => v.storage)?.name;
  const stored = new Set(status.storedVersions ?? []);
  if (storage) stored.add(storage);
  status.storedVersions = [...stored];
  return status;
}
