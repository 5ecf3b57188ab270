// PUT and PATCH of an object or its status (wire spec §12, §10): optimistic concurrency on
// resourceVersion (409 when stale), the four patch types and server-side apply creating missing
// objects; the registry's update (registry/resource-store.ts) does the write.
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ResourceRequest } from "../api-context.ts";
import { ApplyConflictError } from "../fieldmanager/apply-conflict-error.ts";
import { applyServerSide } from "../fieldmanager/server-side-apply.ts";
import { decodeObjectBody, mediaType, parseJson, readBody } from "../http/body.ts";
import { queryBool } from "../http/query-bool.ts";
import { patchMetaFor } from "../patch/builtin-patch-meta.ts";
import { applyJsonPatch } from "../patch/json-patch.ts";
import { cloneJson } from "../patch/json-value.ts";
import { applyMergePatch } from "../patch/merge-patch.ts";
import { PatchError } from "../patch/patch-error.ts";
import { applyStrategicMergePatch } from "../patch/strategic-merge-patch.ts";
import type { KObject } from "../registry/object.ts";
import { servedApiVersion } from "../registry/prepare-write.ts";
import { updateResource } from "../registry/resource-store.ts";
import { decodeBodyFor } from "./decode-error.ts";
import { checkApplied, checkFields, checkPatched } from "./field-validation.ts";
import { present } from "./read.ts";
import { checkKind, checkName, writeOptions, writtenResponse } from "./write.ts";

const PATCH_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
];

export async function updateObject(r: ResourceRequest): Promise<Response> {
  const { entry, info, ctx } = r;
  // PUT on a collection has no route upstream (go-restful's 405).
  if (!info.name) throw StatusError.methodNotAllowed();
  const raw = await readBody(r.req);
  // Options are checked before the body is decoded, as upstream's update handler does.
  const opts = { ...writeOptions(r.req, r.url, info.subresource), warnings: r.warnings };
  const body = decodeBodyFor(entry, raw, mediaType(r.req), ctx.protobuf);
  checkFields(r, body);
  const next = checkKind(entry, body);
  const sentName = next.metadata?.name;
  if (sentName !== undefined && sentName !== info.name) {
    throw StatusError.badRequest(
      `the name of the object (${sentName}) does not match the name on the URL (${info.name})`,
    );
  }
  const pinned = next.metadata?.resourceVersion;
  let created = false;
  const result = await updateResource(
    ctx,
    entry,
    info.namespace,
    info.name,
    opts,
    async (cur) => {
      if (!cur) {
        if (!entry.strategy.allowCreateOnUpdate || opts.subresource)
          throw StatusError.notFound(entry.store.qualified, info.name);
        created = true;
        return { create: cloneJson(next) };
      }
      if (pinned && pinned !== cur.metadata.resourceVersion)
        throw StatusError.modified(entry.store.qualified, info.name);
      return { update: cloneJson(next) };
    },
    pinned !== undefined,
  );
  return writtenResponse(entry, result, created ? 201 : 200);
}

export async function patchObject(r: ResourceRequest): Promise<Response> {
  const { entry, info, ctx, url } = r;
  const type = mediaType(r.req);
  if (!PATCH_TYPES.includes(type)) throw StatusError.unsupportedMediaType(PATCH_TYPES);
  const raw = await readBody(r.req);
  const apply = type === "application/apply-patch+yaml";
  // PatchOptions: force only with apply, apply needs a fieldManager (a 422 as upstream's).
  const opts = { ...writeOptions(r.req, url, info.subresource, type), apply, warnings: r.warnings };
  const force = queryBool(url.searchParams, "force");
  const patch = apply ? decodeObjectBody(raw, type) : parseJson(raw);
  if (apply) checkApplied(r, patch as Record<string, unknown>);
  // An apply to the main resource does not own status (upstream resets it before applying).
  if (apply && !info.subresource && entry.info.subresources.some((s) => s.name === "status")) {
    delete (patch as Record<string, unknown>).status;
  }
  const smpMeta =
    type === "application/strategic-merge-patch+json"
      ? patchMetaFor(servedApiVersion(entry), entry.info.kind)
      : undefined;
  if (type === "application/strategic-merge-patch+json" && !smpMeta) {
    throw StatusError.unsupportedMediaType(PATCH_TYPES.filter((t) => !t.startsWith("application/strategic")));
  }
  let created = false;
  const result = await updateResource(
    ctx,
    entry,
    info.namespace,
    info.name,
    opts,
    async (cur) => {
      if (!cur) {
        if (!apply || opts.subresource) throw StatusError.notFound(entry.store.qualified, info.name);
        created = true;
        checkName(info, patch as Record<string, unknown>);
        const obj = checkKind(entry, patch as Record<string, unknown>);
        return {
          create: applyServerSide(
            undefined,
            obj,
            patchMetaFor(servedApiVersion(entry), entry.info.kind),
            opts.manager,
            force,
          ).object as KObject,
        };
      }
      const current = present(entry, cur);
      let patched: unknown;
      try {
        switch (type) {
          case "application/json-patch+json":
            patched = applyJsonPatch(current, patch);
            break;
          case "application/merge-patch+json":
            patched = applyMergePatch(current, patch);
            break;
          case "application/strategic-merge-patch+json":
            patched = applyStrategicMergePatch(current, patch, smpMeta!);
            break;
          default: {
            const applied = checkKind(entry, patch as Record<string, unknown>);
            const res = applyServerSide(
              current,
              applied,
              patchMetaFor(servedApiVersion(entry), entry.info.kind),
              opts.manager,
              force,
            );
            if (res.conflicts.length > 0) throw new ApplyConflictError(res.conflicts);
            patched = res.object;
          }
        }
      } catch (err) {
        if (err instanceof ApplyConflictError) throw patchStatus(err);
        if (err instanceof PatchError) throw StatusError.of(422, "Invalid", err.message);
        throw err;
      }
      if (patched === null || typeof patched !== "object" || Array.isArray(patched)) {
        throw StatusError.badRequest("the patch must leave an object");
      }
      checkName(info, patched as Record<string, unknown>);
      if (!apply) checkPatched(r, type, patched as Record<string, unknown>, patch);
      const next = checkKind(entry, patched as Record<string, unknown>);
      const rv = next.metadata?.resourceVersion;
      if (rv !== undefined && rv !== cur.metadata.resourceVersion) {
        throw StatusError.modified(entry.store.qualified, info.name);
      }
      return { update: next };
    },
    false,
  );
  return writtenResponse(entry, result, created ? 201 : 200);
}

/** A patch engine's error as a Status with its own code and reason. */
export function patchStatus(err: PatchError): StatusError {
  const causes = err instanceof ApplyConflictError ? { causes: err.causes } : undefined;
  return StatusError.of(err.code, err.reason, err.message, causes);
}
