// What the apiserver needs to mint ServiceAccount tokens (upstream kube-apiserver flags
// --service-account-signing-key-file, --service-account-issuer, --api-audiences,
// --service-account-max-token-expiration, --service-account-extend-token-expiration).
import type { TokenSigner } from "../../../lib/serviceaccount/token-signer.ts";

export interface ServiceAccountTokenOptions {
  /** The signing key and the issuer (`iss`) of bound tokens. */
  signer: TokenSigner;
  /** Audiences a TokenRequest without any gets (`--api-audiences`; upstream defaults it to the issuer). */
  apiAudiences: string[];
  /** Longer requests are shortened to this, with a warning; absent or 0: no limit. */
  maxExpirationSeconds?: number;
  /** Pod-bound kube-api-access tokens (3607 s) are valid a year but warn after 3607 s. Default true. */
  extendExpiration?: boolean;
  /** The token id (`jti`); default a random UUID. */
  newId?: () => string;
}
