// The authorization filter: upstream's WithAuthorization. The request's attributes go to the
// authorizer; anything but "allow" is upstream's 403 (with the authorizer's reason appended).
// No authorizer (AlwaysAllow) lets every authenticated request through, as upstream does.
import type { Authorizer } from "../authz/authorizer.ts";
import { requestInfo } from "../request-info.ts";
import { authorizerAttributes } from "./authorizer-attributes.ts";
import type { Filter } from "./chain.ts";
import { forbiddenResponse } from "./forbidden.ts";
import { contextOf, userOf } from "./request-context.ts";

export function withAuthorization(authorizer: Authorizer | undefined): Filter {
  if (!authorizer) return (next) => next;
  return (next) => async (req) => {
    const ctx = contextOf(req);
    if (ctx.alwaysAllow) return await next(req);
    const info = ctx.info ?? requestInfo(req.method, new URL(req.url));
    const attrs = authorizerAttributes(userOf(req), info, req.url);
    const { decision, reason } = await authorizer.authorize(attrs);
    if (decision === "allow") return await next(req);
    return forbiddenResponse(attrs, reason);
  };
}
