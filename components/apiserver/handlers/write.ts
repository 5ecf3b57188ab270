// The HTTP side every write shares: write options from the query (dryRun, fieldManager) and
// the request's user, and checking the body's kind against the URL. What happens to the object
// then is the registry's (registry/prepare-write.ts, registry/resource-store.ts).
import { StatusError } from "../../../lib/errors/status-error.ts";
import { contextOf } from "../filters/request-context.ts";
import type { KObject } from "../registry/object.ts";
import { servedApiVersion } from "../registry/prepare-write.ts";
import type { Entry } from "../registry/registry.ts";
import type { WriteOptions } from "../registry/write-options.ts";

export function writeOptions(req: Request, url: URL, subresource = ""): WriteOptions {
  const dryRun = url.searchParams.getAll("dryRun");
  for (const d of dryRun) {
    if (d !== "All") throw StatusError.badRequest(`invalid dryRun value "${d}": only "All" is supported`);
  }
  const manager = url.searchParams.get("fieldManager") ?? managerFromUserAgent(req.headers.get("user-agent"));
  if (manager.length > 128)
    throw StatusError.badRequest("fieldManager must not be longer than 128 characters");
  const user = contextOf(req).user;
  return { dryRun: dryRun.length > 0, manager, subresource, ...(user ? { user } : {}) };
}

function managerFromUserAgent(ua: string | null): string {
  const name = (ua ?? "unknown").split("/")[0] ?? "unknown";
  return name.slice(0, 128) || "unknown";
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
