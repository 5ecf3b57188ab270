// XSalsa20-Poly1305 (NaCl secretbox) value transformer: a 24-byte random nonce, then the sealed
// box, as upstream's k8s.io/apiserver pkg/storage/value/encrypt/secretbox/secretbox.go.
import { randomBytes } from "node:crypto";
import nacl from "tweetnacl";
import type { ValueTransformer } from "./value-transformer.ts";

const nonceSize = 24;

export function secretboxTransformer(key: Uint8Array): ValueTransformer {
  if (key.length !== nacl.secretbox.keyLength) {
    throw new Error(`expected key size 32 for secretbox provider, got ${key.length}`);
  }
  return {
    fromStorage(data) {
      if (data.length < nonceSize + nacl.secretbox.overheadLength) {
        throw new Error("the stored data was shorter than the required size");
      }
      const opened = nacl.secretbox.open(data.subarray(nonceSize), data.subarray(0, nonceSize), key);
      if (opened === null) throw new Error("output array was not large enough for encryption");
      return { data: opened, stale: false };
    },
    toStorage(data) {
      const nonce = new Uint8Array(randomBytes(nonceSize));
      const sealed = nacl.secretbox(data, nonce, key);
      const out = new Uint8Array(nonceSize + sealed.length);
      out.set(nonce, 0);
      out.set(sealed, nonceSize);
      return out;
    },
  };
}
