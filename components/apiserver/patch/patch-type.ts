// patchTypeOf: which patch engine a PATCH request's Content-Type selects, or the 415 upstream
// returns (apiserver pkg/endpoints/handlers/patch.go; custom resources accept no strategic merge).

import { PatchError } from "./patch-error.ts";
import type { PatchMeta } from "./patch-meta.ts";

export type PatchType = "json" | "merge" | "strategic" | "apply";

const mediaTypes: [string, PatchType][] = [
  ["application/json-patch+json", "json"],
  ["application/merge-patch+json", "merge"],
  ["application/strategic-merge-patch+json", "strategic"],
  ["application/apply-patch+yaml", "apply"],
];

/**
 * The patch type of a Content-Type header (parameters such as `; charset=utf-8` ignored). `meta`
 * is the kind's patchMetaFor(): without it (custom resources) strategic merge patch is refused.
 */
export function patchTypeOf(contentType: string | null | undefined, meta: PatchMeta | undefined): PatchType {
  const mediaType = (contentType ?? "").split(";")[0]?.trim() ?? "";
  const accepted = mediaTypes.filter(([, type]) => type !== "strategic" || meta !== undefined);
  const match = accepted.find(([name]) => name === mediaType);
  if (match) return match[1];
  throw new PatchError(
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${accepted.map(([name]) => name).join(", ")}`,
  );
}
