// Decodes an `application/vnd.kubernetes.protobuf` request body into the JSON object the JSON
// path would have received for the same Go object (kubectl-wire spec §11).
import { messageToGoJson } from "./message-to-go-json.ts";
import { messageTypeFor } from "./message-type-for.ts";
import { ProtobufError } from "./protobuf-error.ts";
import { readUnknownEnvelope } from "./unknown-envelope.ts";

export interface DecodedKubernetesObject {
  apiVersion: string;
  kind: string;
  /** Go-style JSON, `kind` and `apiVersion` first as Go writes an inlined TypeMeta. */
  object: Record<string, unknown>;
}

const protobufContentType = "application/vnd.kubernetes.protobuf";

/** Throws ProtobufError: "UnsupportedKind" (answer 415) or "Malformed" (answer 400). */
export function decodeKubernetesProtobuf(body: Uint8Array): DecodedKubernetesObject {
  const envelope = readUnknownEnvelope(body);
  const { apiVersion, kind } = envelope;
  if (!kind) throw new ProtobufError("Malformed", "Object 'Kind' is missing in protobuf body");
  if (!apiVersion) throw new ProtobufError("Malformed", "Object 'apiVersion' is missing in protobuf body");
  if (envelope.contentEncoding !== "") {
    throw new ProtobufError(
      "UnsupportedKind",
      `protobuf content encoding "${envelope.contentEncoding}" is not supported`,
    );
  }
  if (envelope.contentType !== "" && envelope.contentType !== protobufContentType) {
    throw new ProtobufError(
      "UnsupportedKind",
      `protobuf envelope content type "${envelope.contentType}" is not supported`,
    );
  }
  const type = messageTypeFor(apiVersion, kind);
  if (!type) {
    throw new ProtobufError(
      "UnsupportedKind",
      `no kind "${kind}" is registered for version "${apiVersion}" in kube's protobuf schema; send it as application/json`,
    );
  }
  let message: Record<string, unknown>;
  try {
    message = type.decode(envelope.raw) as unknown as Record<string, unknown>;
  } catch (cause) {
    throw new ProtobufError("Malformed", `malformed protobuf ${kind}: ${(cause as Error).message}`, {
      cause,
    });
  }
  return { apiVersion, kind, object: { kind, apiVersion, ...messageToGoJson(type, message) } };
}
