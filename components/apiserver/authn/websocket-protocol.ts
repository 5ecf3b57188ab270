// A bearer token in a websocket subprotocol (browsers cannot set Authorization on a websocket):
// upstream's request/websocket protocol authenticator, `base64url.bearer.authorization.k8s.io.<token>`.
// On success that subprotocol is removed, so the relay never echoes the token back.
import { contextOf } from "../filters/request-context.ts";
import type { Authenticator, AuthResult } from "./authenticator.ts";
import type { TokenAuthenticator } from "./token-authenticator.ts";

const PREFIX = "base64url.bearer.authorization.k8s.io.";
const BASE64URL = /^[A-Za-z0-9_-]*$/;

export class WebSocketProtocolAuthenticator implements Authenticator {
  constructor(private readonly tokens: TokenAuthenticator) {}

  async authenticate(req: Request): Promise<AuthResult> {
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") return { kind: "none" };
    const header = req.headers.get("sec-websocket-protocol");
    if (!header) return { kind: "none" };
    const kept: string[] = [];
    let token = "";
    let seen = false;
    for (const raw of header.split(",")) {
      const protocol = raw.trim();
      if (!protocol.startsWith(PREFIX)) {
        kept.push(protocol);
        continue;
      }
      if (seen) return { kind: "error", message: "multiple base64.bearer.authorization tokens specified" };
      seen = true;
      const encoded = protocol.slice(PREFIX.length);
      if (!BASE64URL.test(encoded) || encoded.length % 4 === 1) {
        return { kind: "error", message: "invalid base64.bearer.authorization token encoding" };
      }
      token = Buffer.from(encoded, "base64url").toString("utf8");
      if (token.includes("\uFFFD"))
        return { kind: "error", message: "invalid base64.bearer.authorization token" };
    }
    if (token && kept.length === 0) return { kind: "error", message: "missing additional subprotocol" };
    if (!token) return { kind: "none" };
    const result = await this.tokens.authenticateToken(token, contextOf(req).audiences);
    if (result.kind === "ok") {
      req.headers.set("sec-websocket-protocol", kept.join(","));
      return result;
    }
    return result.kind === "error" ? result : { kind: "error", message: "invalid bearer token" };
  }
}
