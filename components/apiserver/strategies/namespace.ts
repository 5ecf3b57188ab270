// The Namespace strategy: the kubernetes.io/metadata.name label, status Active and the
// "kubernetes" finalizer on create, finalizers and status kept on update (the finalize
// subresource changes them), finalizer validation; field selector status.phase. Upstream:
// pkg/apis/core/v1/defaults.go SetDefaults_Namespace, pkg/registry/core/namespace/strategy.go.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { Strategy } from "../registry/strategy.ts";
import { finalizerName } from "../validation/finalizer-name.ts";
import { child, ensure, isObject, setDefault, str } from "../validation/json.ts";
import { checkType } from "../validation/type-checks.ts";

export const namespaceStrategy: Strategy = {
  nameIsLabel: true,
  defaults(obj) {
    const meta = obj.metadata ?? {};
    obj.metadata = meta;
    if (meta.name) meta.labels = { ...meta.labels, "kubernetes.io/metadata.name": meta.name };
    const status = ensure(obj, "status");
    if (status) setDefault(status, "phase", "Active");
  },
  prepareForCreate(obj) {
    obj.status = { phase: "Active" };
    const spec = ensure(obj, "spec");
    if (!spec) return;
    const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers : [];
    if (!finalizers.includes("kubernetes")) finalizers.push("kubernetes");
    spec.finalizers = finalizers;
  },
  prepareForUpdate(obj, old, ctx) {
    if (ctx.subresource !== "") return;
    const spec = ensure(obj, "spec");
    const oldFinalizers = child(old, "spec")?.finalizers;
    if (!spec) return;
    if (oldFinalizers === undefined) delete spec.finalizers;
    else spec.finalizers = structuredClone(oldFinalizers);
  },
  validate(obj) {
    const spec = obj.spec;
    if (spec === undefined || spec === null) return [];
    if (!isObject(spec)) return checkType("spec", spec, "object");
    const out: StatusCause[] = [];
    const finalizers = spec.finalizers;
    if (finalizers !== undefined && finalizers !== null && !Array.isArray(finalizers)) {
      return checkType("spec.finalizers", finalizers, "array");
    }
    ((finalizers as unknown[] | undefined) ?? []).forEach((f, i) => {
      out.push(...finalizerName(`spec.finalizers[${i}]`, f));
    });
    return out;
  },
  fields(obj) {
    return { "status.phase": str(child(obj, "status"), "phase") ?? "" };
  },
};
