// Response content negotiation: kubectl asks for Tables (`as=Table;g=meta.k8s.io;v=v1`),
// typed clients list protobuf first but accept JSON, and JSON always works because client-go
// decodes by the response Content-Type (wire spec §1, §6).

export interface Wanted {
  /** Table of rows with columns, when the Accept header asks for one. */
  table: boolean;
  tableVersion: "v1" | "v1beta1";
  /** PartialObjectMetadata(List), for metadata-only clients. */
  partial: boolean;
}

export function negotiate(accept: string | null): Wanted {
  const wanted: Wanted = { table: false, tableVersion: "v1", partial: false };
  if (!accept) return wanted;
  for (const raw of accept.split(",")) {
    const params = new Map<string, string>();
    const [type, ...rest] = raw.split(";").map((s) => s.trim());
    for (const p of rest) {
      const eq = p.indexOf("=");
      if (eq > 0) params.set(p.slice(0, eq).trim(), p.slice(eq + 1).trim());
    }
    if (type !== "application/json" && type !== "*/*") continue;
    const as = params.get("as");
    if (!as) return wanted;
    if (params.get("g") !== "meta.k8s.io") continue;
    const v = params.get("v");
    if (v !== "v1" && v !== "v1beta1") continue;
    if (as === "Table") return { table: true, tableVersion: v, partial: false };
    if (as === "PartialObjectMetadata" || as === "PartialObjectMetadataList") {
      return { table: false, tableVersion: v, partial: true };
    }
  }
  return wanted;
}
