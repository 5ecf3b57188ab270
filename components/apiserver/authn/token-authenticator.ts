// A bearer token's authenticator (upstream's authenticator.Token): the token file, ServiceAccount
// JWTs, bootstrap tokens. `audiences` are what the caller asks for (upstream carries them in the
// request context): the API audiences for a request, spec.audiences for a TokenReview.
import type { AuthResult } from "./authenticator.ts";

export interface TokenAuthenticator {
  /** undefined audiences: none requested (upstream's AudiencesFrom(ctx) not ok). */
  authenticateToken(token: string, audiences: string[] | undefined): Promise<AuthResult> | AuthResult;
}
