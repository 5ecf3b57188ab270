// Several request authenticators as one (upstream's request/union): the first that authenticates
// wins, else the errors of those that recognised a credential. With failOnError (how anonymous is
// chained) an error ends the walk: a bad token is never anonymous.
import { aggregateMessage } from "./aggregate-message.ts";
import type { Authenticator, AuthResult } from "./authenticator.ts";

export function authenticatorUnion(authenticators: Authenticator[], failOnError = false): Authenticator {
  return {
    async authenticate(req): Promise<AuthResult> {
      const errors: string[] = [];
      for (const a of authenticators) {
        const result = await a.authenticate(req);
        if (result.kind === "ok") return result;
        if (result.kind === "error") {
          errors.push(result.message);
          if (failOnError) break;
        }
      }
      return errors.length ? { kind: "error", message: aggregateMessage(errors) } : { kind: "none" };
    },
  };
}
