// `Authorization: Bearer <token>` through the token authenticators: upstream's
// request/bearertoken. A bearer token no authenticator recognises is an error ("invalid bearer
// token"), never anonymous; on success the header is removed so nothing later can reuse it.
import { contextOf } from "../filters/request-context.ts";
import type { Authenticator, AuthResult } from "./authenticator.ts";
import type { TokenAuthenticator } from "./token-authenticator.ts";

/** The token of an `Authorization: Bearer` header, or undefined when there is none. */
export function bearerTokenOf(req: Request): string | undefined {
  const auth = req.headers.get("authorization")?.trim();
  if (!auth) return undefined;
  const parts = auth.split(" ");
  if (parts.length < 2 || parts[0]?.toLowerCase() !== "bearer") return undefined;
  return parts[1] || undefined;
}

export class BearerTokenAuthenticator implements Authenticator {
  constructor(private readonly tokens: TokenAuthenticator) {}

  async authenticate(req: Request): Promise<AuthResult> {
    const token = bearerTokenOf(req);
    if (token === undefined) return { kind: "none" };
    const result = await this.tokens.authenticateToken(token, contextOf(req).audiences);
    if (result.kind === "ok") {
      req.headers.delete("authorization");
      return result;
    }
    return result.kind === "error" ? result : { kind: "error", message: "invalid bearer token" };
  }
}
