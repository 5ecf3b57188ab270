// ServiceAccount JWTs: upstream's pkg/serviceaccount/jwt.go JWTTokenAuthenticator. A token whose
// (unverified) issuer is not ours is not ours to judge; otherwise the signature (jose, the key
// picked by kid), the issuer, the audiences and then the claims decide.
import { compactVerify } from "jose";
import { aggregateMessage } from "./aggregate-message.ts";
import { intersectAudiences } from "./audiences.ts";
import type { AuthResult } from "./authenticator.ts";
import type { ObjectGetter } from "./object-getter.ts";
import type { VerificationKey } from "./service-account-keys.ts";
import { serviceAccountUser } from "./service-account-user.ts";
import { LEGACY_ISSUER, validateBound, validateLegacy } from "./service-account-validator.ts";
import type { TokenAuthenticator } from "./token-authenticator.ts";

export interface ServiceAccountAuthenticatorOptions {
  keys: VerificationKey[];
  /** --service-account-issuer values: bound tokens from any of them are accepted. */
  issuers: string[];
  /** Legacy secret tokens (issuer kubernetes/serviceaccount); default true, as upstream. */
  legacy?: boolean;
  /** --api-audiences: what a token without `aud` is good for, and the default requested audiences. */
  apiAudiences: string[];
  objects: ObjectGetter;
  now?: () => Date;
}

const decoder = new TextDecoder();

export class ServiceAccountAuthenticator implements TokenAuthenticator {
  private readonly issuers: Set<string>;
  private readonly now: () => Date;

  constructor(private readonly options: ServiceAccountAuthenticatorOptions) {
    this.issuers = new Set(options.issuers);
    if (options.legacy !== false) this.issuers.add(LEGACY_ISSUER);
    this.now = options.now ?? (() => new Date());
  }

  async authenticateToken(token: string, audiences: string[] | undefined): Promise<AuthResult> {
    const unverified = peek(token);
    if (!unverified || !this.issuers.has(String(unverified.payload.iss))) return { kind: "none" };
    const kid = typeof unverified.header.kid === "string" ? unverified.header.kid : "";
    const keys = kid ? this.options.keys.filter((k) => k.kid === kid) : this.options.keys;
    if (keys.length === 0) return { kind: "error", message: "invalid signature, no keys found" };
    let claims: Record<string, unknown> | undefined;
    const errors: string[] = [];
    for (const k of keys) {
      try {
        const verified = await compactVerify(token, k.key, { algorithms: k.algorithms });
        claims = JSON.parse(decoder.decode(verified.payload)) as Record<string, unknown>;
        break;
      } catch {
        errors.push("go-jose/go-jose: error in cryptographic primitive");
      }
    }
    if (!claims) return { kind: "error", message: aggregateMessage(errors) };
    const iss = String(claims.iss);
    if (!this.issuers.has(iss)) return { kind: "error", message: `token issuer "${iss}" is invalid` };

    const implicit = this.options.apiAudiences;
    const aud = claims.aud;
    let tokenAudiences = typeof aud === "string" ? [aud] : Array.isArray(aud) ? aud.map(String) : [];
    if (tokenAudiences.length === 0) tokenAudiences = implicit;
    const requested = audiences ?? implicit;
    const auds = intersectAudiences(tokenAudiences, requested);
    if (auds.length === 0 && implicit.length !== 0) {
      return {
        kind: "error",
        message: `token audiences ${goQuote(tokenAudiences)} is invalid for the target audiences ${goQuote(requested)}`,
      };
    }
    let validation: Awaited<ReturnType<typeof validateBound>>;
    try {
      validation =
        iss === LEGACY_ISSUER && this.options.legacy !== false
          ? await validateLegacy(token, claims, this.options.objects)
          : await validateBound(claims, this.options.objects, this.now());
    } catch (err) {
      // Storage trouble reading the bound objects fails this authentication (401), as upstream's getter error does.
      return { kind: "error", message: (err as Error).message };
    }
    if ("error" in validation) return { kind: "error", message: validation.error };
    return { kind: "ok", user: serviceAccountUser(validation.ok), audiences: auds };
  }
}

/** Header and payload of a compact JWS before any verification (upstream's hasCorrectIssuer). */
function peek(
  token: string,
): { header: Record<string, unknown>; payload: Record<string, unknown> } | undefined {
  if (token.trimStart().startsWith("{")) return undefined;
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0] as string, "base64url").toString("utf8")) as unknown;
    const payload = JSON.parse(Buffer.from(parts[1] as string, "base64url").toString("utf8")) as unknown;
    if (!isObject(header) || !isObject(payload)) return undefined;
    return { header, payload };
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Go's %q of a []string: ["a" "b"]. */
function goQuote(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(" ")}]`;
}
