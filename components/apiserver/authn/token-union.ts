// Several token authenticators as one (upstream's token/union): the first that authenticates
// wins; when none does, the errors of those that recognised the token are the answer.

import { aggregateMessage } from "./aggregate-message.ts";
import type { AuthResult } from "./authenticator.ts";
import type { TokenAuthenticator } from "./token-authenticator.ts";

export function tokenUnion(...authenticators: TokenAuthenticator[]): TokenAuthenticator {
  return {
    async authenticateToken(token, audiences): Promise<AuthResult> {
      const errors: string[] = [];
      for (const a of authenticators) {
        const result = await a.authenticateToken(token, audiences);
        if (result.kind === "ok") return result;
        if (result.kind === "error") errors.push(result.message);
      }
      return errors.length ? { kind: "error", message: aggregateMessage(errors) } : { kind: "none" };
    },
  };
}
