// Tokens that carry no audience of their own (token file, bootstrap tokens) are good for the API
// audiences only: upstream's authenticator.WrapAudienceAgnosticToken
// (k8s.io/apiserver pkg/authentication/authenticator/audagnostic.go).

import { intersectAudiences } from "./audiences.ts";
import type { AuthResult } from "./authenticator.ts";
import type { TokenAuthenticator } from "./token-authenticator.ts";

export function audienceAgnostic(
  apiAudiences: readonly string[],
  inner: TokenAuthenticator,
): TokenAuthenticator {
  return {
    async authenticateToken(token, audiences): Promise<AuthResult> {
      // No audience asked for: as upstream, the token is good for whatever the caller wants.
      if (audiences === undefined) return await inner.authenticateToken(token, audiences);
      const auds = intersectAudiences(apiAudiences, audiences);
      if (auds.length === 0) return { kind: "none" };
      const result = await inner.authenticateToken(token, audiences);
      return result.kind === "ok" ? { kind: "ok", user: result.user, audiences: auds } : result;
    },
  };
}
