// Value transformers of encryption at rest: a transformer turns a stored value into the
// object's bytes and back; prefix transformers pick one by the value's prefix. Upstream:
// k8s.io/apiserver pkg/storage/value/transformer.go and encrypt/identity/identity.go.

/** A value read back: the object's bytes, and whether it should be rewritten (not the first provider/key). */
export interface ReadValue {
  data: Uint8Array;
  stale: boolean;
}

/** One way of storing a value. `key` is the storage key (the authenticated data of AES-GCM). */
export interface ValueTransformer {
  /** The object's bytes, or throws when this transformer cannot read `data`. */
  fromStorage(data: Uint8Array, key: Uint8Array): ReadValue;
  toStorage(data: Uint8Array, key: Uint8Array): Uint8Array;
}

/** A transformer and the prefix its values carry on disk (identity's is empty). */
export interface PrefixTransformer {
  prefix: Uint8Array;
  transformer: ValueTransformer;
}

const encoder = new TextEncoder();

export function bytesOf(text: string): Uint8Array {
  return encoder.encode(text);
}

function hasPrefix(data: Uint8Array, prefix: Uint8Array): boolean {
  if (data.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix[i]) return false;
  return true;
}

/** apimachinery's aggregate error text: one message alone, several as `[a, b]`, duplicates once. */
function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? (unique[0] ?? "") : `[${unique.join(", ")}]`;
}

/**
 * Reads with the first transformer whose prefix the value has (an identity that fails lets the
 * next one try; a failing prefix match does too, as two configs of one provider share a prefix),
 * writes with the first transformer, prefix prepended.
 */
export function prefixTransformers(noMatch: string, transformers: PrefixTransformer[]): ValueTransformer {
  const first = transformers[0];
  if (first === undefined) throw new Error("prefixTransformers: no transformer given");
  return {
    fromStorage(data, key) {
      const errors: string[] = [];
      for (const [i, { prefix, transformer }] of transformers.entries()) {
        if (!hasPrefix(data, prefix)) continue;
        try {
          const read = transformer.fromStorage(data.subarray(prefix.length), key);
          return { data: read.data, stale: read.stale || i !== 0 };
        } catch (err) {
          if (prefix.length === 0) continue;
          errors.push(err instanceof Error ? err.message : String(err));
        }
      }
      throw new Error(errors.length > 0 ? aggregate(errors) : noMatch);
    },
    toStorage(data, key) {
      const out = first.transformer.toStorage(data, key);
      const result = new Uint8Array(first.prefix.length + out.length);
      result.set(first.prefix, 0);
      result.set(out, first.prefix.length);
      return result;
    },
  };
}

const encryptedPrefix = bytesOf("k8s:enc:");

/** identity: stores the object as it is, and refuses to read a value that is encrypted. */
export const identityTransformer: ValueTransformer = {
  fromStorage(data) {
    if (hasPrefix(data, encryptedPrefix))
      throw new Error("identity transformer tried to read encrypted data");
    return { data, stale: false };
  },
  toStorage(data) {
    return data;
  },
};
