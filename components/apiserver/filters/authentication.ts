// The authentication filter: upstream's WithAuthentication. Requests whose caller is already
// known (in-process components, the insecure port) pass as they are; others get a user from the
// authenticator or a 401. The Authorization header is dropped once it has done its work.
import type { Authenticator } from "../authn/authenticator.ts";
import type { Filter } from "./chain.ts";
import { contextOf } from "./request-context.ts";
import { unauthorizedResponse } from "./unauthorized.ts";

export interface AuthenticationFilterOptions {
  authenticator: Authenticator;
  /** --api-audiences: what a presented token must be good for (upstream's APIAudiences). */
  apiAudiences?: string[];
  /** Told why a request was refused (upstream logs "Unable to authenticate the request"). */
  log?: (line: string) => void;
}

export function withAuthentication(options: AuthenticationFilterOptions): Filter {
  const apiAudiences = options.apiAudiences ?? [];
  return (next) => async (req) => {
    const ctx = contextOf(req);
    if (ctx.user) return await next(req);
    if (apiAudiences.length > 0) ctx.audiences = apiAudiences;
    const result = await options.authenticator.authenticate(req);
    if (result.kind !== "ok") {
      if (result.kind === "error") options.log?.(`Unable to authenticate the request: ${result.message}`);
      return unauthorizedResponse();
    }
    const auds = result.audiences ?? [];
    if (apiAudiences.length > 0 && auds.length > 0 && !auds.some((a) => apiAudiences.includes(a))) {
      options.log?.(
        `unable to match the audience: [${auds.join(" ")}] , accepted: [${apiAudiences.join(" ")}]`,
      );
      return unauthorizedResponse();
    }
    req.headers.delete("authorization");
    ctx.user = result.user;
    ctx.authenticatedUser = result.user;
    return await next(req);
  };
}
