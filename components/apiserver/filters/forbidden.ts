// The 403 an authorizer's "no" becomes: upstream's responsewriters.Forbidden and
// forbiddenMessage (k8s.io/apiserver pkg/endpoints/handlers/responsewriters/errors.go), wrapped
// in apierrors.NewForbidden: `pods is forbidden: User "x" cannot list resource "pods" ...`.
import { goQuote } from "../../../lib/errors/go-quote.ts";
import { type Status, StatusError } from "../../../lib/errors/status-error.ts";
import { statusJson } from "../../../lib/errors/status-response.ts";
import type { Attributes } from "../authz/authorizer.ts";

/** The message of upstream's forbiddenMessage, before NewForbidden's prefix. */
export function forbiddenMessage(attrs: Attributes): string {
  const user = goQuote(attrs.user.username);
  if (!attrs.isResourceRequest) return `User ${user} cannot ${attrs.verb} path ${goQuote(attrs.path)}`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const what = `User ${user} cannot ${attrs.verb} resource ${goQuote(resource)} in API group ${goQuote(attrs.apiGroup)}`;
  return attrs.namespace
    ? `${what} in the namespace ${goQuote(attrs.namespace)}`
    : `${what} at the cluster scope`;
}

/** The Status: NewForbidden of the request's group, resource and name. */
export function forbiddenStatus(attrs: Attributes, reason?: string): Status {
  // Upstream escapes &, < and > in the message (not the reason) before it goes out.
  const msg = forbiddenMessage(attrs).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const q = { group: attrs.apiGroup, resource: attrs.resource };
  return StatusError.forbidden(q, attrs.name, reason ? `${msg}: ${reason}` : msg).status;
}

export function forbiddenResponse(attrs: Attributes, reason?: string): Response {
  return new Response(statusJson(forbiddenStatus(attrs, reason)), {
    status: 403,
    headers: { "Content-Type": "application/json", "X-Content-Type-Options": "nosniff" },
  });
}
