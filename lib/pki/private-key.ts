// Private keys for the cluster PKI: ECDSA P-256 generated here (fast), and the PEM keys users
// bring as openssl writes them (PKCS#8 "PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY", SEC1 "EC PRIVATE
// KEY"), turned into WebCrypto keys for signing. node:crypto parses the PEM formats.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  type webcrypto,
} from "node:crypto";
import { pemEncode } from "./pem.ts";

export interface PrivateKey {
  /** PKCS#8 PEM ("PRIVATE KEY"), whatever format it was loaded from. */
  pem: string;
  /** SPKI PEM ("PUBLIC KEY"). */
  publicPem: string;
  /** WebCrypto algorithm for signing with this key (ECDSA P-256/P-384/P-521 or RSASSA-PKCS1-v1_5). */
  algorithm: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams;
  /** The signature algorithm certificates signed by this key use. */
  signingAlgorithm: webcrypto.Algorithm | webcrypto.EcdsaParams;
  signingKey: webcrypto.CryptoKey;
  publicKey: webcrypto.CryptoKey;
}

const CURVES: Record<string, { namedCurve: string; hash: string }> = {
  prime256v1: { namedCurve: "P-256", hash: "SHA-256" },
  secp384r1: { namedCurve: "P-384", hash: "SHA-384" },
  secp521r1: { namedCurve: "P-521", hash: "SHA-512" },
};

/** A new ECDSA P-256 key (what kube makes for every certificate and the ServiceAccount signer). */
export async function generatePrivateKey(): Promise<PrivateKey> {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return await fromKeyObject(privateKey);
}

/** Loads a PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC); throws a message naming the problem. */
export async function loadPrivateKey(pem: string): Promise<PrivateKey> {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch (err) {
    throw new Error(`failed to parse private key: ${(err as Error).message}`);
  }
  return await fromKeyObject(key);
}

async function fromKeyObject(key: KeyObject): Promise<PrivateKey> {
  const pkcs8 = new Uint8Array(key.export({ type: "pkcs8", format: "der" }));
  const spki = new Uint8Array(createPublicKey(key).export({ type: "spki", format: "der" }));
  let algorithm: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams;
  let signingAlgorithm: webcrypto.Algorithm | webcrypto.EcdsaParams;
  if (key.asymmetricKeyType === "rsa") {
    algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
    signingAlgorithm = { name: "RSASSA-PKCS1-v1_5" };
  } else if (key.asymmetricKeyType === "ec") {
    const curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ""];
    if (!curve)
      throw new Error(`unsupported elliptic curve ${key.asymmetricKeyDetails?.namedCurve ?? "(unknown)"}`);
    algorithm = { name: "ECDSA", namedCurve: curve.namedCurve };
    signingAlgorithm = { name: "ECDSA", hash: curve.hash } as webcrypto.EcdsaParams;
  } else {
    throw new Error(
      `unsupported private key type ${key.asymmetricKeyType ?? "(unknown)"}: want RSA or ECDSA`,
    );
  }
  const [signingKey, publicKey] = await Promise.all([
    crypto.subtle.importKey("pkcs8", pkcs8, algorithm, true, ["sign"]),
    crypto.subtle.importKey("spki", spki, algorithm, true, ["verify"]),
  ]);
  return {
    pem: pemEncode("PRIVATE KEY", pkcs8),
    publicPem: pemEncode("PUBLIC KEY", spki),
    algorithm,
    signingAlgorithm,
    signingKey,
    publicKey,
  };
}
