// AES-CBC (IV + PKCS#7-padded ciphertext) and AES-GCM (12-byte nonce + ciphertext + tag, the
// storage key as authenticated data) value transformers, byte for byte as upstream's
// k8s.io/apiserver pkg/storage/value/encrypt/aes/aes.go, so data moves between kube and upstream.
import { type CipherGCMTypes, createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { ValueTransformer } from "./value-transformer.ts";

const blockSize = 16;
const nonceSize = 12;
const tagSize = 16;

function keyBits(key: Uint8Array): 128 | 192 | 256 {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new Error(`crypto/aes: invalid key size ${key.length}`);
  }
  return key.length === 16 ? 128 : key.length === 24 ? 192 : 256;
}

export function aesCbcTransformer(key: Uint8Array): ValueTransformer {
  const name = `aes-${keyBits(key)}-cbc`;
  return {
    fromStorage(data) {
      if (data.length < blockSize) throw new Error("the stored data was shorter than the required size");
      const body = data.subarray(blockSize);
      if (body.length % blockSize !== 0)
        throw new Error("the stored data is not a multiple of the block size");
      const decipher = createDecipheriv(name, key, data.subarray(0, blockSize)).setAutoPadding(false);
      const plain = Buffer.concat([decipher.update(body), decipher.final()]);
      const pad = plain[plain.length - 1] ?? 0;
      if (pad === 0 || pad > plain.length) throw new Error("invalid PKCS7 data (empty or not padded)");
      for (let i = plain.length - pad; i < plain.length; i++) {
        if (plain[i] !== pad) throw new Error("invalid padding on input");
      }
      return { data: new Uint8Array(plain.subarray(0, plain.length - pad)), stale: false };
    },
    toStorage(data) {
      const iv = randomBytes(blockSize);
      const cipher = createCipheriv(name, key, iv); // PKCS#7 padding, as upstream adds by hand
      return new Uint8Array(Buffer.concat([iv, cipher.update(data), cipher.final()]));
    },
  };
}

export function aesGcmTransformer(key: Uint8Array): ValueTransformer {
  const name: CipherGCMTypes = `aes-${keyBits(key)}-gcm`;
  return {
    fromStorage(data, storageKey) {
      if (data.length < nonceSize) throw new Error("the stored data was shorter than the required size");
      if (data.length < nonceSize + tagSize) throw new Error("cipher: message authentication failed");
      const decipher = createDecipheriv(name, key, data.subarray(0, nonceSize), { authTagLength: tagSize });
      decipher.setAAD(storageKey);
      decipher.setAuthTag(data.subarray(data.length - tagSize));
      try {
        const body = data.subarray(nonceSize, data.length - tagSize);
        return {
          data: new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()])),
          stale: false,
        };
      } catch {
        throw new Error("cipher: message authentication failed");
      }
    },
    toStorage(data, storageKey) {
      const nonce = randomBytes(nonceSize);
      const cipher = createCipheriv(name, key, nonce, { authTagLength: tagSize });
      cipher.setAAD(storageKey);
      const body = Buffer.concat([cipher.update(data), cipher.final()]);
      return new Uint8Array(Buffer.concat([nonce, body, cipher.getAuthTag()]));
    },
  };
}
