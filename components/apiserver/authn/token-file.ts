// Static bearer tokens from --token-auth-file: upstream's tokenfile authenticator
// (k8s.io/apiserver pkg/authentication/token/tokenfile). Lines are CSV: token,user,uid and an
// optional quoted "group1,group2"; a malformed line fails start-up naming the file and line.
import type { AuthResult } from "./authenticator.ts";
import { CsvError, csvRecords } from "./csv-records.ts";
import type { TokenAuthenticator } from "./token-authenticator.ts";
import type { UserInfo } from "./user-info.ts";

export class TokenFileAuthenticator implements TokenAuthenticator {
  private constructor(private readonly tokens: ReadonlyMap<string, UserInfo>) {}

  /** Reads the file's text; throws an Error naming `path` and the line on a malformed line. */
  static parse(path: string, text: string): TokenFileAuthenticator {
    let records: ReturnType<typeof csvRecords>;
    try {
      records = csvRecords(text);
    } catch (err) {
      if (err instanceof CsvError) throw new Error(`token file '${path}' line ${err.line}: ${err.message}`);
      throw err;
    }
    const tokens = new Map<string, UserInfo>();
    for (const { line, fields } of records) {
      if (fields.length < 3) {
        throw new Error(
          `token file '${path}' line ${line}: must have at least 3 columns (token, user name, user uid), found ${fields.length}`,
        );
      }
      const [token, username, uid, groups] = fields as [string, string, string, string | undefined];
      // Upstream skips an empty token with a warning rather than failing.
      if (token === "") continue;
      const user: UserInfo = { username, uid, groups: groups ? groups.split(",").filter(Boolean) : [] };
      tokens.set(token, user);
    }
    return new TokenFileAuthenticator(tokens);
  }

  get size(): number {
    return this.tokens.size;
  }

  authenticateToken(token: string): AuthResult {
    const user = this.tokens.get(token);
    return user ? { kind: "ok", user } : { kind: "none" };
  }
}
