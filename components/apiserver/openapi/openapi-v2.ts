// GET /openapi/v2: an empty gnostic protobuf document, which decodes to an empty
// openapi_v2.Document ("no schema"). kubectl fetches it only as a fallback: for kinds without a
// PATCH operation in v3 (Binding, List) and when v3 fails. Wire spec §4.1 and §4.3.
import { createHash } from "node:crypto";

const V2_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
const ETAG = `"${createHash("sha512").update("").digest("hex").toUpperCase()}"`;

export function openApiV2(): Response {
  return new Response(new Uint8Array(0), { headers: { "Content-Type": V2_TYPE, ETag: ETAG } });
}
