// Puts a built authorization into the apiserver's context: the authorizer the access reviews
// ask, and the RBAC escalation checks around admission (when RBAC is a mode).
import type { ApiContext } from "../api-context.ts";
import { withEscalationChecks } from "./escalation-admission.ts";
import type { Authorization } from "./union.ts";

export function installAuthorization(ctx: ApiContext, authz: Authorization): void {
  ctx.authorizer = authz.authorizer;
  if (authz.rbac)
    ctx.admission = withEscalationChecks(ctx.admission, { authorizer: authz.authorizer, rules: authz.rbac });
}
