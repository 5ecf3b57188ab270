// builtinSchemas: the component schemas of every built-in type, generated from kubernetes-types
// (assets/openapi/generate-schemas.ts) and embedded gzipped in the binary. Decompressed and
// parsed on the first OpenAPI or strict-validation request only, so startup never pays for it.
import { readFileSync } from "node:fs";
import type { Schemas } from "../../../assets/openapi/schema.ts";
import schemasFile from "../../../assets/openapi/schemas.json.gz" with { type: "file" };
import { addPatchExtensions } from "./patch-extensions.ts";

let cached: Readonly<Schemas> | undefined;

export function builtinSchemas(): Readonly<Schemas> {
  if (!cached) {
    const schemas = JSON.parse(
      new TextDecoder().decode(Bun.gunzipSync(readFileSync(schemasFile))),
    ) as Schemas;
    addPatchExtensions(schemas);
    cached = schemas;
  }
  return cached;
}
