// A CustomResourceDefinition as served resources: one ResourceInfo per served version (the
// storage version's shape is stored; kube serves `conversion: None` CRDs, where versions
// differ only in apiVersion), with its names, scope, categories and subresources.
// Upstream: apiextensions-apiserver pkg/apiserver/customresource_handler.go.
import type { ResourceInfo, Subresource, Verb } from "../../../lib/api/resources.ts";
import type { PrinterColumn, ScalePaths } from "../registry/registry.ts";
import type { Schema } from "./structural-schema.ts";

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: Schema };
  subresources?: { status?: object; scale?: ScalePaths };
  additionalPrinterColumns?: PrinterColumn[];
}

export interface Crd {
  metadata: { name?: string; uid?: string; deletionTimestamp?: string; finalizers?: string[] };
  spec: {
    group: string;
    scope: "Namespaced" | "Cluster";
    names: {
      plural: string;
      singular?: string;
      kind: string;
      listKind?: string;
      shortNames?: string[];
      categories?: string[];
    };
    versions: CrdVersion[];
  };
  status?: Record<string, unknown>;
}

export interface ServedVersion {
  info: ResourceInfo;
  version: CrdVersion;
  prefix: string;
}

const ALL: Verb[] = ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"];

export function servedVersions(crd: Crd): ServedVersion[] {
  const { group, names, scope } = crd.spec;
  const prefix = `/registry/${group}/${names.plural}`;
  const storageVersion = crd.spec.versions.find((v) => v.storage)?.name;
  return crd.spec.versions
    .filter((v) => v.served)
    .map((v) => {
      const subresources: Subresource[] = [];
      const gvk = { group, version: v.name, kind: names.kind };
      if (v.subresources?.scale) {
        subresources.push({
          name: "scale",
          kind: { group: "autoscaling", version: "v1", kind: "Scale" },
          verbs: ["get", "patch", "update"],
        });
      }
      if (v.subresources?.status)
        subresources.push({ name: "status", kind: gvk, verbs: ["get", "patch", "update"] });
      const info: ResourceInfo = {
        ...gvk,
        plural: names.plural,
        singular: names.singular ?? names.kind.toLowerCase(),
        namespaced: scope === "Namespaced",
        verbs: ALL,
        shortNames: names.shortNames ?? [],
        categories: names.categories ?? [],
        subresources,
        storagePrefix: prefix,
      };
      if (storageVersion && storageVersion !== v.name) info.storageVersion = storageVersion;
      return { info, version: v, prefix };
    });
}
