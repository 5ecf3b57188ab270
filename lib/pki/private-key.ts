// Private keys for the cluster PKI: ECDSA P-256 generated here (fast), and the PEM keys users
// bring as openssl writes them (PKCS#8 "PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY", SEC1 "EC PRIVATE
// KEY"); node:crypto parses and signs with them.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";

export interface PrivateKey {
  /** PKCS#8 PEM ("PRIVATE KEY"), whatever format it was loaded from. */
  pem: string;
  /** SPKI PEM ("PUBLIC KEY"). */
  publicPem: string;
  /** SPKI DER (what a certificate embeds). */
  publicDer: Uint8Array;
  type: "ec" | "rsa";
  /** The hash certificates signed by this key use: SHA-256, or the curve's size for P-384/P-521. */
  hash: "sha256" | "sha384" | "sha512";
  keyObject: KeyObject;
}

const CURVE_HASH: Record<string, PrivateKey["hash"]> = {
  prime256v1: "sha256",
  secp384r1: "sha384",
  secp521r1: "sha512",
};

/** A new ECDSA P-256 key (what kube makes for every certificate and the ServiceAccount signer). */
export async function generatePrivateKey(): Promise<PrivateKey> {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return fromKeyObject(privateKey);
}

/** Loads a PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC); throws a message naming the problem. */
export async function loadPrivateKey(pem: string): Promise<PrivateKey> {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch (err) {
    throw new Error(`failed to parse private key: ${(err as Error).message}`);
  }
  return fromKeyObject(key);
}

function fromKeyObject(key: KeyObject): PrivateKey {
  let type: PrivateKey["type"];
  let hash: PrivateKey["hash"];
  if (key.asymmetricKeyType === "rsa") {
    type = "rsa";
    hash = "sha256";
  } else if (key.asymmetricKeyType === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? "";
    const h = CURVE_HASH[curve];
    if (!h) throw new Error(`unsupported elliptic curve ${curve || "(unknown)"}`);
    type = "ec";
    hash = h;
  } else {
    throw new Error(
      `unsupported private key type ${key.asymmetricKeyType ?? "(unknown)"}: want RSA or ECDSA`,
    );
  }
  const publicKey = createPublicKey(key);
  return {
    pem: key.export({ type: "pkcs8", format: "pem" }).toString(),
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    publicDer: new Uint8Array(publicKey.export({ type: "spki", format: "der" })),
    type,
    hash,
    keyObject: key,
  };
}
