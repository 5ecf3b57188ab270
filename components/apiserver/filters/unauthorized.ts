// The 401 of a request no authenticator accepted: upstream's apierrors.NewUnauthorized("Unauthorized")
// as the authentication filter's failed handler writes it, byte for byte.

export const UNAUTHORIZED_BODY =
  '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}\n';

export function unauthorizedResponse(): Response {
  return new Response(UNAUTHORIZED_BODY, { status: 401, headers: { "Content-Type": "application/json" } });
}
