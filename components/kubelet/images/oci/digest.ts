// Content digests (OCI image-spec descriptor.md): only sha256 is accepted, as containerd's default
// resolver does; a digest names a blob and is checked while its bytes stream past.

import { createHash, type Hash } from "node:crypto";

const SHA256 = /^sha256:[0-9a-f]{64}$/;

/** A malformed digest, or bytes that do not match the digest that names them. */
export class DigestError extends Error {
  override name = "DigestError";
}

/** Throws DigestError unless `digest` is `sha256:<64 lowercase hex>` (never a path trick). */
export function checkDigest(digest: unknown): string {
  if (typeof digest !== "string" || !SHA256.test(digest)) {
    throw new DigestError(`invalid digest ${JSON.stringify(digest)}: want sha256:<64 hex digits>`);
  }
  return digest;
}

/** The hex part of a checked digest. */
export function digestHex(digest: string): string {
  return checkDigest(digest).slice("sha256:".length);
}

/** sha256 of bytes, as a digest string. */
export function sha256Digest(bytes: Uint8Array | string): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** Counts and hashes a stream; `verify` then compares with the expected digest and size. */
export class DigestVerifier {
  private readonly hash: Hash = createHash("sha256");
  size = 0;

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.size += chunk.length;
  }

  digest(): string {
    return `sha256:${this.hash.digest("hex")}`;
  }

  /** Throws DigestError when the bytes seen are not `expected` (containerd's wording). */
  verify(expected: string, expectedSize?: number): void {
    if (expectedSize !== undefined && expectedSize >= 0 && this.size !== expectedSize) {
      throw new DigestError(`unexpected size for ${expected}: got ${this.size} bytes, want ${expectedSize}`);
    }
    const actual = this.digest();
    if (actual !== expected) {
      throw new DigestError(`unexpected commit digest ${actual}, expected ${expected}: failed precondition`);
    }
  }
}
