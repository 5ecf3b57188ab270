// TokenReview (authentication.k8s.io/v1, create only): upstream's pkg/registry/authentication/
// tokenreview. The token goes through the apiserver's own authenticator as a bearer token, for
// spec.audiences (default: the API audiences); the answer says who it is or why not.
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ResourceRequest } from "../api-context.ts";
import type { AuthResult } from "../authn/authenticator.ts";
import { contextOf } from "../filters/request-context.ts";
import { json } from "../http/respond.ts";

export async function createTokenReview(
  r: ResourceRequest,
  body: Record<string, unknown>,
): Promise<Response> {
  const spec = (body.spec ?? {}) as Record<string, unknown>;
  const token = typeof spec.token === "string" ? spec.token : "";
  if (!token) throw StatusError.badRequest("token is required for TokenReview in authentication");
  const review = {
    kind: "TokenReview",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { ...((body.metadata ?? {}) as object), creationTimestamp: null },
    spec,
  };
  const reviewer = r.ctx.tokenReview;
  if (!reviewer) return json(review, 201);
  const requested = Array.isArray(spec.audiences) ? spec.audiences.map(String) : [];
  const auds = requested.length > 0 ? requested : reviewer.apiAudiences;
  // A request that carries nothing but the token, as upstream builds one.
  const probe = new Request("http://token-review/", { headers: { Authorization: `Bearer ${token}` } });
  if (auds.length > 0) contextOf(probe).audiences = auds;
  const result: AuthResult = await reviewer.authenticator.authenticate(probe);
  const status: Record<string, unknown> = {};
  if (result.kind === "ok") {
    const got = result.audiences ?? [];
    if (auds.length > 0 && !got.some((a) => auds.includes(a))) {
      throw StatusError.internal("error validating audiences");
    }
    status.authenticated = true;
    const { username, uid, groups, extra } = result.user;
    const user: Record<string, unknown> = { username };
    if (uid) user.uid = uid;
    if (groups.length > 0) user.groups = groups;
    if (extra && Object.keys(extra).length > 0) user.extra = extra;
    status.user = user;
    if (got.length > 0) status.audiences = got;
  } else {
    status.user = {};
    if (result.kind === "error") status.error = result.message;
  }
  return json({ ...review, status }, 201);
}
