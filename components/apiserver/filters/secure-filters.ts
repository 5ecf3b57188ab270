// The secure port's filters in upstream's order (DefaultBuildHandlerChain, outermost first):
// authentication, impersonation, max-in-flight, authorization. Request info comes before them
// (createApiHandler sets it); audit, when kube has it, goes between authentication and impersonation.
import type { Authenticator } from "../authn/authenticator.ts";
import type { Authorizer } from "../authz/authorizer.ts";
import { withAuthentication } from "./authentication.ts";
import { withAuthorization } from "./authorization.ts";
import type { Filter } from "./chain.ts";
import { withImpersonation } from "./impersonation.ts";
import { type MaxInFlightOptions, withMaxInFlight } from "./max-in-flight.ts";

export interface SecureFiltersOptions {
  authenticator: Authenticator;
  /** Undefined: AlwaysAllow (every authenticated request, every impersonation is allowed). */
  authorizer?: Authorizer;
  /** --api-audiences. */
  apiAudiences?: string[];
  /** Undefined: upstream's defaults (400 reads, 200 writes); false: no limit. */
  maxInFlight?: MaxInFlightOptions | false;
  log?: (line: string) => void;
}

export function secureFilters(options: SecureFiltersOptions): Filter[] {
  const filters: Filter[] = [
    withAuthentication({
      authenticator: options.authenticator,
      ...(options.apiAudiences ? { apiAudiences: options.apiAudiences } : {}),
      ...(options.log ? { log: options.log } : {}),
    }),
    withImpersonation(options.authorizer),
  ];
  if (options.maxInFlight !== false) filters.push(withMaxInFlight(options.maxInFlight ?? {}));
  filters.push(withAuthorization(options.authorizer));
  return filters;
}
