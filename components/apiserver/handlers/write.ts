// The HTTP side every write shares: write options from the query (dryRun, fieldManager) and
// the request's user, and checking the body's kind against the URL. What happens to the object
// then is the registry's (registry/prepare-write.ts, registry/resource-store.ts).
import { isPrint } from "../../../lib/errors/go-quote.ts";
import { type StatusCause, StatusError } from "../../../lib/errors/status-error.ts";
import { contextOf } from "../filters/request-context.ts";
import { json } from "../http/respond.ts";
import { encodingOf, servedJson } from "../registry/encoded-object.ts";
import type { KObject, Stored } from "../registry/object.ts";
import { servedApiVersion } from "../registry/prepare-write.ts";
import type { Entry } from "../registry/registry.ts";
import type { WriteOptions } from "../registry/write-options.ts";
import { type OptionsKind, optionsInvalid, writeOptionCauses } from "./options-invalid.ts";
import { present } from "./read.ts";

/**
 * The options of a write from the query, validated as upstream's Create/Update/PatchOptions (a
 * 422 before the body is decoded; `patchType` for a PATCH's apply-only rules), and the user.
 */
export function writeOptions(req: Request, url: URL, subresource = "", patchType?: string): WriteOptions {
  const kind: OptionsKind =
    req.method === "PUT" ? "UpdateOptions" : req.method === "PATCH" ? "PatchOptions" : "CreateOptions";
  const causes: StatusCause[] = [];
  if (
    kind === "PatchOptions" &&
    patchType !== "application/apply-patch+yaml" &&
    url.searchParams.has("force")
  )
    causes.push({
      reason: "FieldValueForbidden",
      message: "Forbidden: may not be specified for non-apply patch",
      field: "force",
    });
  if (patchType === "application/apply-patch+yaml" && !url.searchParams.get("fieldManager"))
    causes.push({
      reason: "FieldValueRequired",
      message: "Required value: is required for apply patch",
      field: "fieldManager",
    });
  causes.push(...writeOptionCauses(url, kind));
  if (causes.length > 0) throw optionsInvalid(kind, causes);
  const manager = url.searchParams.get("fieldManager") || managerFromUserAgent(req.headers.get("user-agent"));
  const user = contextOf(req).user;
  const dryRun = url.searchParams.getAll("dryRun").length > 0;
  return { dryRun, manager, subresource, ...(user ? { user } : {}) };
}

/**
 * upstream's prefixFromUserAgent: the user agent up to its first "/", non-printable characters
 * dropped, at most 128 bytes (kube's "unknown" when nothing is left).
 */
function managerFromUserAgent(ua: string | null): string {
  const key = ua ?? "";
  let name = managers.get(key);
  if (name === undefined) {
    name = managerName(key);
    // A client sends the same agent on every request: remember a few.
    if (managers.size >= 64) managers.clear();
    managers.set(key, name);
  }
  return name;
}

const managers = new Map<string, string>();
const utf8 = new TextEncoder();

function managerName(ua: string): string {
  let name = "";
  let bytes = 0;
  for (const ch of ua.split("/")[0] ?? "") {
    if (!isPrint(ch)) continue;
    const size = utf8.encode(ch).length;
    if (bytes + size > 128) break;
    name += ch;
    bytes += size;
  }
  return name || "unknown";
}

/**
 * The object's name (and namespace, when it has one) must be the URL's: upstream's checkName
 * after a patch or an apply, so a patch cannot rename or move an object.
 */
export function checkName(info: { name: string; namespace: string }, obj: Record<string, unknown>): void {
  const meta = obj.metadata as { name?: unknown; namespace?: unknown } | undefined;
  const name = meta?.name;
  if (name !== undefined && name !== info.name) {
    throw StatusError.badRequest(
      `the name of the object (${String(name)}) does not match the name on the URL (${info.name})`,
    );
  }
  const namespace = meta?.namespace;
  if (info.namespace && namespace !== undefined && namespace !== "" && namespace !== info.namespace) {
    throw StatusError.badRequest(
      `the namespace of the object (${String(namespace)}) does not match the namespace on the URL (${info.namespace})`,
    );
  }
}

/** The body's kind and apiVersion must be the URL's (or absent); the result has both set. */
export function checkKind(entry: Entry, body: Record<string, unknown>): KObject {
  const want = servedApiVersion(entry);
  const kind = body.kind;
  const apiVersion = body.apiVersion;
  if ((kind !== undefined && kind !== entry.info.kind) || (apiVersion !== undefined && apiVersion !== want)) {
    throw StatusError.badRequest(
      `${String(kind ?? "object")} in version "${String(apiVersion ?? "")}" cannot be handled as a ${entry.info.kind}: the body is a ${String(kind)} of ${String(apiVersion)}, but this URL takes ${entry.info.kind} of ${want}`,
    );
  }
  if (
    body.metadata !== undefined &&
    (body.metadata === null || typeof body.metadata !== "object" || Array.isArray(body.metadata))
  ) {
    throw StatusError.badRequest(
      `${entry.info.kind} in version "${want}" cannot be handled as a ${entry.info.kind}: metadata must be an object`,
    );
  }
  const obj = { ...body, apiVersion: want, kind: entry.info.kind } as KObject;
  return entry.codec ? entry.codec.toStorage(obj) : obj;
}

/**
 * The response to a write: the stored encoding's parts make the JSON without a second stringify
 * of the object (the metadata's managedFields take JSC's stringify off its fast path), else
 * the object as served.
 */
export function writtenResponse(entry: Entry, obj: Stored, status: number): Response {
  const encoded = entry.codec ? undefined : encodingOf(obj);
  const text =
    encoded &&
    servedJson(encoded, servedApiVersion(entry), entry.info.kind, Number(obj.metadata.resourceVersion));
  if (text !== undefined)
    return new Response(`${text}\n`, { status, headers: { "Content-Type": "application/json" } });
  return json(present(entry, obj), status);
}
