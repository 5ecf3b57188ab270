// The keys that verify ServiceAccount tokens (--service-account-key-file): every RSA or ECDSA
// key in PEM text — public keys, certificates, or private keys whose public half is used — with
// upstream's key id, base64url(SHA-256(SPKI DER)) (pkg/serviceaccount/jwt.go keyIDFromPublicKey).
import { createHash, createPublicKey, type KeyObject } from "node:crypto";

export interface VerificationKey {
  kid: string;
  key: KeyObject;
  /** The JWS algorithms this key can verify. */
  algorithms: string[];
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const KEY_BLOCKS = new Set([
  "PUBLIC KEY",
  "RSA PUBLIC KEY",
  "CERTIFICATE",
  "PRIVATE KEY",
  "RSA PRIVATE KEY",
  "EC PRIVATE KEY",
]);

/** Throws naming `source` when the text holds no usable key or a block is malformed. */
export function verificationKeys(pem: string, source = "key file"): VerificationKey[] {
  const keys: VerificationKey[] = [];
  for (const match of pem.matchAll(BLOCK)) {
    if (!KEY_BLOCKS.has(match[1] as string)) continue;
    let key: KeyObject;
    try {
      key = createPublicKey(match[0]);
    } catch (err) {
      throw new Error(`${source}: ${match[1]} block: ${(err as Error).message}`);
    }
    const algorithms = algorithmsOf(key);
    if (!algorithms) continue;
    const spki = key.export({ type: "spki", format: "der" });
    keys.push({ kid: createHash("sha256").update(spki).digest("base64url"), key, algorithms });
  }
  if (keys.length === 0)
    throw new Error(`${source}: data does not contain any valid RSA or ECDSA public keys`);
  return keys;
}

function algorithmsOf(key: KeyObject): string[] | undefined {
  if (key.asymmetricKeyType === "rsa") return ["RS256", "RS384", "RS512"];
  if (key.asymmetricKeyType !== "ec") return undefined;
  switch (key.asymmetricKeyDetails?.namedCurve) {
    case "prime256v1":
      return ["ES256"];
    case "secp384r1":
      return ["ES384"];
    case "secp521r1":
      return ["ES512"];
    default:
      return undefined;
  }
}
