// Upgrading from client-side to server-side apply, as kube-apiserver does for the "kubectl"
// manager: conflicts on fields the last-applied annotation set and the live object still holds
// are not conflicts, and the annotation follows each server-side apply so client-side apply
// keeps working. Upstream: apimachinery pkg/util/managedfields/internal/lastappliedmanager.go,
// lastappliedupdater.go and lastapplied.go.

import { isJsonObject, type JsonObject, jsonEqual } from "../patch/json-value.ts";
import type { PatchMeta } from "../patch/patch-meta.ts";
import { type FieldPath, valueAt } from "./field-path.ts";
import { goJsonEncode } from "./go-json.ts";

export const LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";
/** Upstream's TotalAnnotationSizeLimitB: the last-applied value is dropped rather than exceed it. */
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** The only manager whose applies upgrade client-side apply (others opt out by their name). */
export const UPGRADING_MANAGER = "kubectl";

function annotationsOf(obj: JsonObject): JsonObject | undefined {
  const metadata = obj.metadata;
  return isJsonObject(metadata) && isJsonObject(metadata.annotations) ? metadata.annotations : undefined;
}

function lastAppliedValue(obj: JsonObject): string | undefined {
  const value = annotationsOf(obj)?.[LAST_APPLIED_ANNOTATION];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Which conflicting paths the last-applied annotation allows: those the annotation (of the same
 * apiVersion as the apply) sets to the value the live object still has. Undefined when the
 * object has no usable annotation, so every conflict stands.
 */
export function lastAppliedAllows(
  live: JsonObject,
  apiVersion: string,
  meta: PatchMeta | undefined,
): ((path: FieldPath) => boolean) | undefined {
  const text = lastAppliedValue(live);
  if (text === undefined) return undefined;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isJsonObject(lastApplied) || lastApplied.apiVersion !== apiVersion) return undefined;
  const config = lastApplied;
  return (path) => {
    const applied = valueAt(config, path, meta);
    return applied !== undefined && jsonEqual(applied, valueAt(live, path, meta));
  };
}

/**
 * After a server-side apply by kubectl, the annotation (where the object has one) becomes the
 * applied configuration without the annotation itself, encoded as Go encodes it. Mutates `object`.
 */
export function syncLastApplied(object: JsonObject, applied: JsonObject): void {
  const metadata = object.metadata;
  const annotations = annotationsOf(object);
  if (!isJsonObject(metadata) || !annotations || lastAppliedValue(object) === undefined) return;
  const config = structuredClone(applied);
  const configAnnotations = annotationsOf(config);
  if (configAnnotations) delete configAnnotations[LAST_APPLIED_ANNOTATION];
  // Copies: the merged object may share its metadata with the stored one.
  const next: JsonObject = { ...annotations, [LAST_APPLIED_ANNOTATION]: goJsonEncode(config) };
  let size = 0;
  for (const [key, value] of Object.entries(next))
    size += key.length + (typeof value === "string" ? value.length : 0);
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) delete next[LAST_APPLIED_ANNOTATION];
  object.metadata = { ...metadata, annotations: next };
}
