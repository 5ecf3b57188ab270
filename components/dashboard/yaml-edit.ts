// Create from YAML and edit YAML. Edits go to the API as YAML (PUT, so a stale
// resourceVersion is the API's 409) or as a server-side apply (conflicts shown, force on
// request). Creates map each document's kind through discovery, dry-run them all first, so
// bad input applies nothing.
import { parseAllDocuments } from "yaml";
import { ApiError, apiJson, apiRequest, errorOf, type Session } from "./api-session.ts";
import { type KubeObject, str } from "./kube-object.ts";
import { apiPath, type ResourceRef } from "./resource-kinds.ts";

export const FIELD_MANAGER = "kube-dashboard";

export async function saveEdit(
  s: Session,
  path: string,
  text: string,
  mode: "update" | "apply",
  force: boolean,
): Promise<void> {
  const res =
    mode === "update"
      ? await apiRequest(s, path, {
          method: "PUT",
          headers: { "Content-Type": "application/yaml" },
          body: text,
        })
      : await apiRequest(s, `${path}?fieldManager=${FIELD_MANAGER}${force ? "&force=true" : ""}`, {
          method: "PATCH",
          headers: { "Content-Type": "application/apply-patch+yaml" },
          body: text,
        });
  if (!res.ok) throw await errorOf(res);
}

interface Mapped {
  obj: KubeObject;
  ref: ResourceRef;
}

async function mapKind(s: Session, obj: KubeObject, defaultNs: string): Promise<Mapped> {
  const apiVersion = str(obj.apiVersion);
  const kind = str(obj.kind);
  if (!apiVersion || !kind)
    throw new ApiError(
      400,
      `Object 'Kind' is missing in '${JSON.stringify(obj).slice(0, 200)}'`,
      "BadRequest",
    );
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/", 2) : ["", apiVersion];
  const list = await apiJson<{ resources: Array<{ name: string; kind: string; namespaced: boolean }> }>(
    s,
    group ? `/apis/${group}/${version}` : `/api/${version}`,
  ).catch(() => ({ resources: [] }));
  const res = list.resources.find((r) => r.kind === kind && !r.name.includes("/"));
  if (!res) throw new ApiError(400, `no matches for kind "${kind}" in version "${apiVersion}"`, "NotFound");
  if (res.namespaced) obj.metadata = { ...obj.metadata, namespace: obj.metadata?.namespace || defaultNs };
  return {
    obj,
    ref: { group: group ?? "", version: version ?? "", resource: res.name, namespaced: res.namespaced },
  };
}

/** Creates every document of `text`; returns "kind/name" of each. Nothing is created if any fails a dry run. */
export async function createFromYaml(s: Session, text: string, defaultNs: string): Promise<string[]> {
  const docs = parseAllDocuments(text);
  const objs: KubeObject[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length)
      throw new ApiError(400, `error parsing YAML: ${doc.errors[0]?.message}`, "BadRequest");
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    if (typeof value !== "object" || Array.isArray(value))
      throw new ApiError(400, "error parsing YAML: a document is not an object", "BadRequest");
    objs.push({ metadata: {}, ...(value as Record<string, unknown>) } as KubeObject);
  }
  if (!objs.length) throw new ApiError(400, "no objects passed to create", "BadRequest");
  const mapped: Mapped[] = [];
  for (const o of objs) mapped.push(await mapKind(s, o, defaultNs));
  const post = (m: Mapped, dry: boolean) =>
    apiJson<KubeObject>(s, `${apiPath(m.ref, m.obj.metadata.namespace)}${dry ? "?dryRun=All" : ""}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(m.obj),
    });
  for (const m of mapped) await post(m, true);
  const made: string[] = [];
  for (const m of mapped) {
    const o = await post(m, false);
    made.push(`${m.ref.resource}/${o.metadata.name}`);
  }
  return made;
}
