// One way of telling who a request is (upstream's authenticator.Request): a client
// certificate, a bearer token, a ServiceAccount JWT, a bootstrap token. The union asks each in
// upstream's order; the first that recognises its kind of credential decides.
import type { UserInfo } from "./user-info.ts";

/**
 * none: this request carries no credential of this kind (ask the next authenticator).
 * ok: authenticated. error: the credential is present but invalid (401 with this message).
 */
export type AuthResult =
  | { kind: "none" }
  | { kind: "ok"; user: UserInfo; audiences?: string[] }
  | { kind: "error"; message: string };

export interface Authenticator {
  authenticate(req: Request): Promise<AuthResult> | AuthResult;
}
