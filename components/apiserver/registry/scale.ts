// The /scale subresource's view of its parent (autoscaling/v1 Scale, wire spec §13) and writing
// it back: the new replicas go into the parent's spec (bumping its generation), after admission
// of the <resource>/scale update; a dry run stops before the write. Upstream:
// pkg/registry/apps/deployment/storage/storage.go ScaleREST, apiextensions' scale for CRDs.
import { StatusError } from "../../../lib/errors/status-error.ts";
import { fromLabelSelector, type LabelSelector, selectorString } from "../../../lib/labels/selector.ts";
import type { KObject, Stored } from "./object.ts";
import { prepareUpdate } from "./prepare-write.ts";
import type { Entry, ScalePaths } from "./registry.ts";
import type { WriteContext } from "./write-context.ts";
import type { WriteOptions } from "./write-options.ts";

/** autoscaling/v1 Scale, the view /scale serves. */
export interface Scale {
  kind: "Scale";
  apiVersion: "autoscaling/v1";
  metadata: Record<string, unknown>;
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

const BUILTIN_SCALE: ScalePaths = {
  specReplicasPath: ".spec.replicas",
  statusReplicasPath: ".status.replicas",
};

function getPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const part of path.split(".").filter(Boolean)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".").filter(Boolean);
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    if (cur[part] === null || typeof cur[part] !== "object") cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] as string] = value;
}

/** The Scale of `obj`: built-in paths, or a custom resource's from its CRD. */
export function scaleOf(obj: Stored, paths: ScalePaths | undefined): Scale {
  const p = paths ?? BUILTIN_SCALE;
  let selector: string | undefined;
  if (paths) {
    const s = paths.labelSelectorPath ? getPath(obj, paths.labelSelectorPath) : undefined;
    selector = typeof s === "string" ? s : undefined;
  } else if (obj.kind === "ReplicationController") {
    const map = (getPath(obj, ".spec.selector") ?? {}) as Record<string, string>;
    selector = Object.keys(map)
      .sort()
      .map((k) => `${k}=${map[k]}`)
      .join(",");
  } else {
    const s = fromLabelSelector(getPath(obj, ".spec.selector") as LabelSelector | undefined);
    selector = s ? selectorString(s) : undefined;
  }
  const m = obj.metadata;
  const specReplicas = getPath(obj, p.specReplicasPath);
  const statusReplicas = getPath(obj, p.statusReplicasPath);
  const replicas = typeof statusReplicas === "number" ? statusReplicas : 0;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: typeof specReplicas === "number" ? specReplicas : 0 },
    status: selector === undefined ? { replicas } : { replicas, selector },
  };
}

/**
 * Write a new Scale of `name`: `change` turns the current Scale into the wanted one (a PUT body
 * or a patched copy); its resourceVersion, when set, must be the parent's.
 */
export async function updateScale(
  ctx: WriteContext,
  entry: Entry,
  namespace: string,
  name: string,
  opts: WriteOptions,
  change: (current: Scale) => Scale,
): Promise<Scale> {
  // A dry run stops before the write, with the object that would have been stored.
  let wouldStore: Stored | undefined;
  const dryRun = new Error("scale dry run");
  let written: Stored;
  try {
    ({ obj: written } = await entry.store.update(
      namespace,
      name,
      async (cur) => {
        if (!cur) throw StatusError.notFound(entry.store.qualified, name);
        const next = change(scaleOf(cur, entry.scale));
        const rv = next.metadata?.resourceVersion;
        if (rv !== undefined && rv !== "" && rv !== cur.metadata.resourceVersion)
          throw StatusError.modified(entry.store.qualified, name);
        const replicas = next.spec?.replicas;
        if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
          throw StatusError.invalid({ group: "autoscaling", kind: "Scale" }, name, [
            {
              reason: "FieldValueInvalid",
              field: "spec.replicas",
              message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`,
            },
          ]);
        }
        const parent = structuredClone(cur) as KObject;
        setPath(parent, (entry.scale ?? BUILTIN_SCALE).specReplicasPath, replicas);
        // The writer's managedFields entry names the subresource, as upstream's `subresource: scale`.
        const prepared = prepareUpdate(ctx, entry, parent, cur, { ...opts, subresource: "scale" });
        // Admission sees an update of <resource>/scale whose objects are the Scales, as upstream's.
        await ctx.admission.update(
          entry,
          scaleOf(prepared as Stored, entry.scale) as unknown as KObject,
          scaleOf(cur, entry.scale) as unknown as Stored,
          {
            dryRun: opts.dryRun,
            subresource: "scale",
            ...(opts.user ? { user: opts.user } : {}),
            ...(opts.warnings ? { warnings: opts.warnings } : {}),
          },
        );
        if (opts.dryRun) {
          wouldStore = prepared as Stored;
          throw dryRun;
        }
        return prepared;
      },
      { pinned: false },
    ));
  } catch (err) {
    if (err !== dryRun || !wouldStore) throw err;
    written = wouldStore;
  }
  return scaleOf(written, entry.scale);
}
