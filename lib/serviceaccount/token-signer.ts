// Signs ServiceAccount tokens as upstream's jwtTokenGenerator (pkg/serviceaccount/jwt.go): a
// compact JWS with header {alg, kid}, the issuer added to the claims, keys in sorted order as
// Go's encoding/json writes a merged claim map.
import { SignJWT } from "jose";
import type { SigningKey } from "./signing-key.ts";
import { type BoundTokenClaims, LEGACY_ISSUER, type LegacyTokenClaims } from "./token-claims.ts";

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortedKeys((value as Record<string, unknown>)[key]);
  return out;
}

export class TokenSigner {
  constructor(
    private readonly key: SigningKey,
    /** `--service-account-issuer` (bound tokens); legacy tokens use `kubernetes/serviceaccount`. */
    readonly issuer: string,
  ) {}

  get keyId(): string {
    return this.key.kid;
  }

  /** A bound token (TokenRequest). */
  signBound(claims: BoundTokenClaims): Promise<string> {
    return this.sign({ ...claims, iss: this.issuer });
  }

  /** A legacy Secret token, issuer `kubernetes/serviceaccount`. */
  signLegacy(claims: LegacyTokenClaims): Promise<string> {
    return this.sign({ ...claims, iss: LEGACY_ISSUER });
  }

  private sign(claims: object): Promise<string> {
    const payload = sortedKeys(claims) as Record<string, unknown>;
    return new SignJWT(payload)
      .setProtectedHeader({ alg: this.key.alg, kid: this.key.kid })
      .sign(this.key.privateKey);
  }
}
