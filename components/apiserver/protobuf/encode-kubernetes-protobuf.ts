// Encodes a Go-style JSON object as an `application/vnd.kubernetes.protobuf` body, byte for byte
// as client-go would send it: the inverse of decodeKubernetesProtobuf.
import { goJsonToMessage } from "./go-json-to-message.ts";
import { messageTypeFor } from "./message-type-for.ts";
import { ProtobufError } from "./protobuf-error.ts";
import { writeUnknownEnvelope } from "./unknown-envelope.ts";

/** Throws ProtobufError("UnsupportedKind") for a kind without schema, TypeError for bad JSON. */
export function encodeKubernetesProtobuf(
  apiVersion: string,
  kind: string,
  object: Record<string, unknown>,
): Uint8Array {
  const type = messageTypeFor(apiVersion, kind);
  if (!type) {
    throw new ProtobufError(
      "UnsupportedKind",
      `no kind "${kind}" is registered for version "${apiVersion}" in kube's protobuf schema`,
    );
  }
  const raw = type.encode(goJsonToMessage(type, object)).finish();
  return writeUnknownEnvelope({ apiVersion, kind, raw, contentEncoding: "", contentType: "" });
}
