// The envelope of every Kubernetes protobuf body: the magic "k8s\0" followed by a runtime.Unknown
// naming apiVersion and kind and carrying the object's own bytes in `raw`
// (apimachinery pkg/runtime/serializer/protobuf/protobuf.go).
import { kubernetesProtoRoot } from "./kubernetes-proto-root.ts";
import { ProtobufError } from "./protobuf-error.ts";

export const protobufMagic = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

export interface UnknownEnvelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

function unknownType() {
  return kubernetesProtoRoot().lookupType("k8s.io.apimachinery.pkg.runtime.Unknown");
}

/** Checks the magic and decodes the Unknown wrapper; throws a ProtobufError for bad bytes. */
export function readUnknownEnvelope(body: Uint8Array): UnknownEnvelope {
  if (body.length < protobufMagic.length || !protobufMagic.every((byte, i) => body[i] === byte)) {
    throw new ProtobufError("Malformed", 'protobuf body does not start with the Kubernetes magic "k8s\\x00"');
  }
  let unknown: Record<string, unknown>;
  try {
    unknown = unknownType().decode(body.subarray(protobufMagic.length)) as unknown as Record<string, unknown>;
  } catch (cause) {
    throw new ProtobufError("Malformed", `malformed protobuf envelope: ${(cause as Error).message}`, {
      cause,
    });
  }
  const typeMeta = (unknown.typeMeta ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  return {
    apiVersion: text(typeMeta.apiVersion),
    kind: text(typeMeta.kind),
    raw: (unknown.raw as Uint8Array | undefined) ?? new Uint8Array(),
    contentEncoding: text(unknown.contentEncoding),
    contentType: text(unknown.contentType),
  };
}

/** Magic plus Unknown, every field written as Go writes it (empty strings included). */
export function writeUnknownEnvelope(envelope: UnknownEnvelope): Uint8Array {
  const unknown = unknownType().encode({
    typeMeta: { apiVersion: envelope.apiVersion, kind: envelope.kind },
    raw: envelope.raw,
    contentEncoding: envelope.contentEncoding,
    contentType: envelope.contentType,
  });
  const encoded = unknown.finish();
  const body = new Uint8Array(protobufMagic.length + encoded.length);
  body.set(protobufMagic);
  body.set(encoded, protobufMagic.length);
  return body;
}
