// The 403 an authorizer's "no" becomes: upstream's responsewriters.Forbidden and
// forbiddenMessage (k8s.io/apiserver pkg/endpoints/handlers/responsewriters/errors.go), wrapped
// in apierrors.NewForbidden: `pods is forbidden: User "x" cannot list resource "pods" ...`.
import type { Status } from "../../../lib/errors/status-error.ts";
import { statusJson } from "../../../lib/errors/status-response.ts";
import type { Attributes } from "../authz/authorizer.ts";

/** The message of upstream's forbiddenMessage, before NewForbidden's prefix. */
export function forbiddenMessage(attrs: Attributes): string {
  const user = JSON.stringify(attrs.user.username);
  if (!attrs.isResourceRequest) return `User ${user} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const what = `User ${user} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup)}`;
  return attrs.namespace
    ? `${what} in the namespace ${JSON.stringify(attrs.namespace)}`
    : `${what} at the cluster scope`;
}

/** The Status, fields in the order upstream's JSON has them. */
export function forbiddenStatus(attrs: Attributes, reason?: string): Status {
  // Upstream escapes &, < and > in the message (not the reason) before it goes out.
  const msg = forbiddenMessage(attrs).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const err = reason ? `${msg}: ${reason}` : msg;
  const qualified = attrs.apiGroup ? `${attrs.resource}.${attrs.apiGroup}` : attrs.resource;
  const message =
    !attrs.resource && !attrs.apiGroup
      ? `forbidden: ${err}`
      : attrs.name
        ? `${qualified} ${JSON.stringify(attrs.name)} is forbidden: ${err}`
        : `${qualified} is forbidden: ${err}`;
  const details: Status["details"] = {};
  if (attrs.name) details.name = attrs.name;
  if (attrs.apiGroup) details.group = attrs.apiGroup;
  if (attrs.resource) details.kind = attrs.resource;
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason: "Forbidden",
    details,
    code: 403,
  };
}

export function forbiddenResponse(attrs: Attributes, reason?: string): Response {
  return new Response(statusJson(forbiddenStatus(attrs, reason)), {
    status: 403,
    headers: { "Content-Type": "application/json", "X-Content-Type-Options": "nosniff" },
  });
}
