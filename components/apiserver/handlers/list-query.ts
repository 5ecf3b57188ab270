// A list's paging and resourceVersion parameters from the query, checked before storage is
// read: the LIST handler's and the DELETE of a collection's (upstream's DeleteCollection decodes
// and validates the same metainternalversion.ListOptions as List).
import { StatusError } from "../../../lib/errors/status-error.ts";
import { validateListOptions } from "../http/list-options.ts";

export interface ListQuery {
  limit: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

/** limit (a non-negative integer, 0 for none), continue, resourceVersion and its match. */
export function listQuery(url: URL): ListQuery {
  const limitParam = url.searchParams.get("limit");
  const limit = limitParam ? Number(limitParam) : 0;
  if (!Number.isInteger(limit) || limit < 0)
    throw StatusError.badRequest(`invalid limit "${limitParam}": must be a non-negative integer`);
  validateListOptions(url.searchParams);
  const q = url.searchParams;
  return {
    limit,
    continue: q.get("continue") ?? undefined,
    resourceVersion: q.get("resourceVersion") ?? undefined,
    resourceVersionMatch: q.get("resourceVersionMatch") ?? undefined,
  };
}
