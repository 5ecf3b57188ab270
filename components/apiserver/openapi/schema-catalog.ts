// SchemaCatalog: every component schema the server knows (the built-in ones, plus the ones of
// served custom resources, which the CRD controller sets and removes) and the kind index over them.
// OpenAPI documents and strict field validation both read from one catalog.

import type { Schema, Schemas } from "../../../assets/openapi/schema.ts";
import type { GroupVersionKind } from "../../../lib/api/resources.ts";
import { builtinSchemas } from "./builtin-schemas.ts";

function gvkKey(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}/${gvk.kind}`;
}

export class SchemaCatalog {
  private readonly custom = new Map<string, Schemas>();
  private builtinKinds: Map<string, string> | undefined;
  private customKinds = new Map<string, string>();
  private currentRevision = 0;

  constructor(private readonly builtins: () => Readonly<Schemas> = builtinSchemas) {}

  /** Changes whenever the custom schemas change, so cached documents can be rebuilt. */
  get revision(): number {
    return this.currentRevision;
  }

  /** Serve `schemas` (from customResourceSchemas) for custom resource `gvk`, replacing earlier ones. */
  setCustomResource(gvk: GroupVersionKind, schemas: Schemas): void {
    this.custom.set(gvkKey(gvk), schemas);
    this.reindex();
  }

  removeCustomResource(gvk: GroupVersionKind): void {
    if (this.custom.delete(gvkKey(gvk))) this.reindex();
  }

  /** The name of the schema tagged with `gvk` (x-kubernetes-group-version-kind). */
  kindSchemaName(gvk: GroupVersionKind): string | undefined {
    const key = gvkKey(gvk);
    return this.customKinds.get(key) ?? this.builtinKindIndex().get(key);
  }

  schema(name: string): Schema | undefined {
    for (const schemas of this.custom.values()) if (Object.hasOwn(schemas, name)) return schemas[name];
    const builtins = this.builtins();
    return Object.hasOwn(builtins, name) ? builtins[name] : undefined;
  }

  private builtinKindIndex(): Map<string, string> {
    this.builtinKinds ??= kindIndex(this.builtins());
    return this.builtinKinds;
  }

  private reindex(): void {
    this.customKinds = new Map();
    for (const schemas of this.custom.values())
      for (const [key, name] of kindIndex(schemas)) this.customKinds.set(key, name);
    this.currentRevision++;
  }
}

function kindIndex(schemas: Readonly<Schemas>): Map<string, string> {
  const index = new Map<string, string>();
  for (const [name, schema] of Object.entries(schemas)) {
    for (const gvk of schema["x-kubernetes-group-version-kind"] ?? []) index.set(gvkKey(gvk), name);
  }
  return index;
}
