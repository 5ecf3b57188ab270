// The last resort when no credential was presented (--anonymous-auth, default true): upstream's
// request/anonymous, user system:anonymous in group system:unauthenticated.
import type { Authenticator, AuthResult } from "./authenticator.ts";
import { GROUPS, USERS } from "./user-info.ts";

export class AnonymousAuthenticator implements Authenticator {
  authenticate(): AuthResult {
    return { kind: "ok", user: { username: USERS.anonymous, groups: [GROUPS.unauthenticated] } };
  }
}
