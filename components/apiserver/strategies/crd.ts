// The CustomResourceDefinition strategy (apiextensions.k8s.io/v1): names and conversion
// defaults, storedVersions and acceptedNames in the initial status (conditions are the
// controller's), generation, validation of the name, group, names, scope, versions (exactly one
// storage version) and schemas, immutable scope. Upstream: apiextensions-apiserver
// pkg/apis/apiextensions/v1/defaults.go, pkg/registry/customresourcedefinition/strategy.go,
// pkg/apis/apiextensions/validation/validation.go.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { KObject, Stored } from "../registry/object.ts";
import type { Strategy } from "../registry/strategy.ts";
import { validateVersionSchema } from "../validation/crd-schema-validation.ts";
import { duplicate, invalid, notSupported, required } from "../validation/field-errors.ts";
import { immutableField } from "../validation/immutable.ts";
import {
  child,
  ensure,
  isObject,
  type JsonObject,
  list,
  objects,
  setDefault,
  str,
} from "../validation/json.ts";
import { dns1035Label, dns1123Label, dns1123Subdomain } from "../validation/names.ts";
import { checkType } from "../validation/type-checks.ts";

function storageVersion(spec: JsonObject | undefined): string | undefined {
  const v = objects(spec, "versions").find(([version]) => version.storage === true);
  return v ? str(v[0], "name") : undefined;
}

function validateNames(names: unknown): StatusCause[] {
  if (!isObject(names))
    return names === undefined
      ? [required("spec.names.plural"), required("spec.names.kind")]
      : checkType("spec.names", names, "object");
  const out: StatusCause[] = [];
  const plural = names.plural;
  if (!plural) out.push(required("spec.names.plural"));
  else if (typeof plural === "string") out.push(...dns1123Label("spec.names.plural", plural));
  if (typeof names.singular === "string" && names.singular !== "")
    out.push(...dns1123Label("spec.names.singular", names.singular));
  const kind = names.kind;
  if (!kind) out.push(required("spec.names.kind"));
  else if (typeof kind === "string" && !/^[A-Za-z][A-Za-z0-9]*$/.test(kind)) {
    out.push(
      invalid(
        "spec.names.kind",
        kind,
        "may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?",
      ),
    );
  }
  if (typeof names.listKind === "string" && names.listKind === kind) {
    out.push(invalid("spec.names.listKind", names.listKind, "kind and listKind may not be the same"));
  }
  list(names, "shortNames").forEach((s, i) => {
    if (typeof s === "string") out.push(...dns1123Label(`spec.names.shortNames[${i}]`, s));
  });
  return out;
}

function validateVersions(spec: JsonObject): StatusCause[] {
  const out: StatusCause[] = [];
  const versions = objects(spec, "versions");
  if (versions.length === 0)
    return [required("spec.versions", "must have exactly one version marked as storage version")];
  const names = new Set<string>();
  let storage = 0;
  let served = 0;
  for (const [v, i] of versions) {
    const at = `spec.versions[${i}]`;
    const name = str(v, "name") ?? "";
    if (name === "") out.push(required(`${at}.name`));
    else {
      out.push(...dns1035Label(`${at}.name`, name));
      if (names.has(name)) out.push(duplicate(`${at}.name`, name));
      names.add(name);
    }
    if (v.storage === true) storage++;
    if (v.served === true) served++;
    out.push(...validateVersionSchema(at, v));
  }
  if (storage !== 1)
    out.push(
      invalid(
        "spec.versions",
        versions.map(([v]) => v.name),
        "must have exactly one version marked as storage version",
      ),
    );
  if (served === 0)
    out.push(
      invalid(
        "spec.versions",
        versions.map(([v]) => v.name),
        "must have at least one version marked as served",
      ),
    );
  return out;
}

function validate(obj: KObject): StatusCause[] {
  const spec = obj.spec;
  if (!isObject(spec)) return spec === undefined ? [required("spec")] : checkType("spec", spec, "object");
  const out: StatusCause[] = [];
  const group = str(spec, "group") ?? "";
  const plural = str(child(spec, "names"), "plural") ?? "";
  const name = obj.metadata?.name ?? "";
  if (name !== `${plural}.${group}`)
    out.push(invalid("metadata.name", name, `must be spec.names.plural+"."+spec.group`));
  if (group === "") out.push(required("spec.group"));
  else {
    out.push(...dns1123Subdomain("spec.group", group));
    if (!group.includes("."))
      out.push(invalid("spec.group", group, "should be a domain with at least one dot"));
  }
  const scope = spec.scope;
  if (scope === undefined || scope === "") out.push(required("spec.scope"));
  else if (scope !== "Cluster" && scope !== "Namespaced")
    out.push(notSupported("spec.scope", scope, ["Cluster", "Namespaced"]));
  out.push(...validateNames(spec.names));
  out.push(...validateVersions(spec));
  if (spec.preserveUnknownFields === true) {
    out.push(
      invalid(
        "spec.preserveUnknownFields",
        true,
        "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead",
      ),
    );
  }
  const strategy = str(child(spec, "conversion"), "strategy");
  if (strategy !== undefined && strategy !== "None" && strategy !== "Webhook") {
    out.push(notSupported("spec.conversion.strategy", strategy, ["None", "Webhook"]));
  }
  return out;
}

/** The storage version joins status.storedVersions (kept across updates). */
function recordStorageVersion(obj: KObject, stored: unknown[]): void {
  const status = ensure(obj, "status");
  const v = storageVersion(child(obj, "spec"));
  if (!status) return;
  const list = [...stored];
  if (v && !list.includes(v)) list.push(v);
  status.storedVersions = list;
}

export const crdStrategy: Strategy = {
  generation: true,
  defaults(obj) {
    const spec = ensure(obj, "spec");
    if (!spec) return;
    const names = child(spec, "names");
    if (names && typeof names.kind === "string") {
      setDefault(names, "singular", names.kind.toLowerCase());
      if (names.kind !== "") setDefault(names, "listKind", `${names.kind}List`);
    }
    const conversion = ensure(spec, "conversion");
    if (conversion) setDefault(conversion, "strategy", "None");
  },
  prepareForCreate(obj) {
    obj.status = { acceptedNames: { kind: "", plural: "" }, storedVersions: [] };
    recordStorageVersion(obj, []);
  },
  prepareForUpdate(obj, old: Stored, ctx) {
    if (ctx.subresource === "status") return;
    recordStorageVersion(obj, list(child(old, "status"), "storedVersions"));
  },
  validate,
  validateUpdate(obj, old) {
    const spec = child(obj, "spec");
    const oldSpec = child(old, "spec");
    const out = immutableField("spec.scope", spec?.scope, oldSpec?.scope);
    out.push(...immutableField("spec.group", spec?.group, oldSpec?.group));
    return out;
  },
};
