// Request bodies: read with a size limit (upstream's 3 MiB), then decoded by Content-Type —
// JSON (also when the type is missing, as `kubectl scale --current-replicas` sends), YAML for
// apply patches, and Kubernetes protobuf for typed clients.
import { parse as parseYaml } from "yaml";
import { StatusError } from "../../../lib/errors/status-error.ts";

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: Request, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) throw StatusError.tooLarge(limit);
  const buf = new Uint8Array(await req.arrayBuffer());
  if (buf.length > limit) throw StatusError.tooLarge(limit);
  return buf;
}

export function mediaType(req: Request): string {
  return (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** A protobuf decoder, plugged in by the server (kept out of this module's imports). */
export type ProtobufDecoder = (body: Uint8Array) => Record<string, unknown>;

/** Decode an object body; 400 for malformed input, 415 for unknown types. */
export function decodeObjectBody(
  body: Uint8Array,
  type: string,
  protobuf?: ProtobufDecoder,
): Record<string, unknown> {
  if (body.length === 0) throw StatusError.badRequest("the request body is empty; send the object as JSON");
  let value: unknown;
  if (type === "" || type === "application/json" || type.endsWith("+json")) {
    value = parseJson(body);
  } else if (type === "application/yaml" || type === "application/apply-patch+yaml") {
    try {
      value = parseYaml(new TextDecoder().decode(body));
    } catch (err) {
      throw StatusError.badRequest(`error converting YAML to JSON: ${(err as Error).message}`);
    }
  } else if (type === "application/vnd.kubernetes.protobuf" && protobuf) {
    value = protobuf(body);
  } else {
    throw StatusError.unsupportedMediaType(type, [
      "application/json",
      "application/yaml",
      "application/vnd.kubernetes.protobuf",
    ]);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw StatusError.badRequest("the request body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

export function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch (err) {
    throw StatusError.badRequest(`the request body is not valid JSON: ${(err as Error).message}`);
  }
}
