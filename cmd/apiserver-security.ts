// The secure port's request filters from the security configuration: the authenticator
// (client certificates, token file, ServiceAccount JWTs, bootstrap tokens, anonymous) and the
// authorizer of --authorization-mode, in upstream's chain order (components/apiserver/filters).
import { buildAuthentication } from "../components/apiserver/authn/build-authenticator.ts";
import { registryObjectGetter } from "../components/apiserver/authn/object-getter.ts";
import { buildAuthorizer } from "../components/apiserver/authz/union.ts";
import { secureFilters } from "../components/apiserver/filters/secure-filters.ts";
import type { Security, SecurityDeps } from "../components/apiserver/server.ts";
import type { SecurityConfig } from "./apiserver-security-flags.ts";

export async function buildSecurity(config: SecurityConfig, deps: SecurityDeps): Promise<Security> {
  const authn = buildAuthentication({
    ...(config.tokenAuthFile ? { tokenAuthFile: config.tokenAuthFile } : {}),
    serviceAccountKeyPems: config.serviceAccountKeyPems,
    serviceAccountIssuers: config.serviceAccountIssuers,
    apiAudiences: config.apiAudiences,
    anonymousAuth: config.anonymousAuth,
    objects: registryObjectGetter(deps.registry),
  });
  const authz = await buildAuthorizer(config.authorizationModes, { registry: deps.registry, log: deps.log });
  return {
    filters: secureFilters({
      authenticator: authn.authenticator,
      authorizer: authz.authorizer,
      apiAudiences: authn.apiAudiences,
      log: deps.log,
    }),
    authorizer: authz.authorizer,
    ...(authz.rbac ? { rbac: authz.rbac } : {}),
    tokenReview: { authenticator: authn.authenticator, apiAudiences: authn.apiAudiences },
    stop: () => authz.stop(),
  };
}
