// Every authenticated user (but anonymous) is in system:authenticated: upstream's
// request/group AuthenticatedGroupAdder, which leaves a user already in system:authenticated or
// system:unauthenticated alone.
import type { Authenticator, AuthResult } from "./authenticator.ts";
import { GROUPS, USERS } from "./user-info.ts";

export function withAuthenticatedGroup(inner: Authenticator): Authenticator {
  return {
    async authenticate(req): Promise<AuthResult> {
      const result = await inner.authenticate(req);
      if (result.kind !== "ok") return result;
      const { user } = result;
      if (user.username === USERS.anonymous) return result;
      if (user.groups.some((g) => g === GROUPS.authenticated || g === GROUPS.unauthenticated)) return result;
      // A new object: the token cache shares the inner one between requests.
      return { ...result, user: { ...user, groups: [...user.groups, GROUPS.authenticated] } };
    },
  };
}
