// The ServiceAccount token signing key (`--service-account-signing-key-file`,
// `--service-account-private-key-file`): RSA signs RS256, ECDSA ES256/384/512 by curve, and the
// `kid` is upstream's keyIDFromPublicKey (pkg/serviceaccount/jwt.go): base64url(sha256(SPKI DER)).
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";

export type TokenAlgorithm = "RS256" | "ES256" | "ES384" | "ES512";

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  alg: TokenAlgorithm;
  kid: string;
}

export class SigningKeyError extends Error {
  override name = "SigningKeyError";
}

const CURVE_ALGORITHMS: Record<string, TokenAlgorithm> = {
  prime256v1: "ES256",
  secp384r1: "ES384",
  secp521r1: "ES512",
};

/** The key id tokens carry in their header: base64url (no padding) of sha256 of the SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("base64url");
}

/** The signing algorithm upstream picks for a key (RSA -> RS256, EC by curve). */
export function algorithmOf(key: KeyObject): TokenAlgorithm {
  if (key.asymmetricKeyType === "rsa") return "RS256";
  if (key.asymmetricKeyType === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? "";
    const alg = CURVE_ALGORITHMS[curve];
    if (alg) return alg;
    throw new SigningKeyError(`unsupported ECDSA curve ${curve || "(unknown)"} for service account tokens`);
  }
  throw new SigningKeyError(
    `unsupported key type ${key.asymmetricKeyType ?? "(unknown)"} for service account tokens: want RSA or ECDSA`,
  );
}

/** Loads a private key PEM (PKCS#8, PKCS#1 "RSA PRIVATE KEY" or SEC1 "EC PRIVATE KEY"). */
export function loadSigningKey(pem: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: "pem" });
  } catch (error) {
    throw new SigningKeyError(`failed to parse service account signing key: ${(error as Error).message}`);
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, alg: algorithmOf(privateKey), kid: keyIdOf(publicKey) };
}
