import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { RESOURCES, type ResourceInfo } from "../../../lib/api/resources.ts";
import { customResourceSchemas } from "./custom-resource-schemas.ts";
import type { OpenApiDocument } from "./group-version-document.ts";
import { openApiV2 } from "./openapi-v2.ts";
import { openApiV3 } from "./openapi-v3.ts";
import { SchemaCatalog } from "./schema-catalog.ts";

const builtins = { resources: () => RESOURCES };

async function get(path: string, registry = builtins, catalog?: SchemaCatalog): Promise<Response> {
  const url = new URL(`http://kube${path}`);
  return openApiV3(url.pathname, url, registry, catalog);
}

async function index(
  registry = builtins,
  catalog?: SchemaCatalog,
): Promise<Record<string, { serverRelativeURL: string }>> {
  return (
    (await (await get("/openapi/v3", registry, catalog)).json()) as {
      paths: Record<string, { serverRelativeURL: string }>;
    }
  ).paths;
}

async function doc(key: string, registry = builtins, catalog?: SchemaCatalog): Promise<OpenApiDocument> {
  return (await (await get(`/openapi/v3/${key}`, registry, catalog)).json()) as OpenApiDocument;
}

type Operation = {
  "x-kubernetes-group-version-kind": { group: string; version: string; kind: string };
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, unknown> };
};

describe("/openapi/v3", () => {
  test("the index lists every served group-version with the hash of its document", async () => {
    const paths = await index();
    expect(Object.keys(paths)).toContain("api/v1");
    expect(Object.keys(paths)).toContain("apis/apps/v1");
    expect(Object.keys(paths)).toContain("apis/autoscaling/v2");
    const url = paths["apis/apps/v1"]?.serverRelativeURL ?? "";
    expect(url).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    const res = await get(url);
    const body = await res.text();
    expect(url.endsWith(createHash("sha512").update(body).digest("hex").toUpperCase())).toBe(true);
    expect(res.headers.get("Cache-Control")).toBe("public, immutable");
    expect(new Date(res.headers.get("Expires") ?? "").getTime()).toBeGreaterThan(Date.now());
  });

  test("without the current hash the document is not cacheable", async () => {
    const res = await get("/openapi/v3/api/v1?hash=STALE");
    expect(res.headers.get("Cache-Control")).toBe("no-cache, private");
    expect(res.headers.get("Expires")).toBeNull();
  });

  test("an unknown group-version is 404", async () => {
    await expect(get("/openapi/v3/apis/nope/v1")).rejects.toMatchObject({ status: { code: 404 } });
  });

  test("PATCH per kind with its GVK, fieldValidation and the four patch types", async () => {
    const apps = await doc("apis/apps/v1");
    const patch = apps.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]?.patch as Operation;
    expect(patch["x-kubernetes-group-version-kind"]).toEqual({
      group: "apps",
      version: "v1",
      kind: "Deployment",
    });
    expect(patch.parameters?.map((p) => p.name)).toContain("fieldValidation");
    expect(Object.keys(patch.requestBody?.content ?? {})).toEqual([
      "application/json-patch+json",
      "application/merge-patch+json",
      "application/strategic-merge-patch+json",
      "application/apply-patch+yaml",
    ]);
    const status = apps.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status"]
      ?.patch as Operation;
    expect(status["x-kubernetes-group-version-kind"]).toEqual({
      group: "apps",
      version: "v1",
      kind: "Deployment",
    });
    const scale = apps.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]
      ?.put as Operation;
    expect(scale["x-kubernetes-group-version-kind"]).toEqual({
      group: "autoscaling",
      version: "v1",
      kind: "Scale",
    });
    expect(apps.components.schemas["io.k8s.api.autoscaling.v1.Scale"]).toBeDefined();
    const core = await doc("api/v1");
    expect(core.paths["/api/v1/nodes/{name}"]?.patch).toBeDefined();
    expect(core.paths["/api/v1/namespaces/{namespace}/bindings"]?.post).toBeDefined();
    expect(core.paths["/api/v1/namespaces/{namespace}/bindings/{name}"]).toBeUndefined();
  });

  test("components hold the kinds with their GVK and everything they reference", async () => {
    const core = await doc("api/v1");
    const schemas = core.components.schemas;
    expect(schemas["io.k8s.api.core.v1.Pod"]?.["x-kubernetes-group-version-kind"]).toEqual([
      { group: "", version: "v1", kind: "Pod" },
    ]);
    for (const name of [
      "io.k8s.api.core.v1.PodList",
      "io.k8s.api.core.v1.Container",
      "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
      "io.k8s.apimachinery.pkg.api.resource.Quantity",
      "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
      "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
    ]) {
      expect(schemas[name]).toBeDefined();
    }
    expect(schemas["io.k8s.api.apps.v1.Deployment"]).toBeUndefined();
    const refs = JSON.stringify(core).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    expect(refs.map((r) => r.slice(22, -1)).filter((n) => !schemas[n])).toEqual([]);
    const containers = schemas["io.k8s.api.core.v1.PodSpec"]?.properties?.containers;
    expect(containers?.["x-kubernetes-patch-merge-key"]).toBe("name");
    expect(containers?.["x-kubernetes-list-type"]).toBe("map");
  });

  test("every served kind has a schema tagged with its GVK, and every listable kind a List", () => {
    const catalog = new SchemaCatalog();
    const missing = RESOURCES.flatMap((r) => {
      const out: string[] = [];
      if (!catalog.kindSchemaName(r)) out.push(`${r.group}/${r.version} ${r.kind}`);
      if (r.verbs.includes("list") && !catalog.kindSchemaName({ ...r, kind: `${r.kind}List` })) {
        out.push(`${r.group}/${r.version} ${r.kind}List`);
      }
      return out;
    });
    expect(missing).toEqual([]);
  });

  test("custom resources plug in through the catalog; documents follow its changes", async () => {
    const crd: ResourceInfo = {
      group: "stable.example.com",
      version: "v1",
      kind: "CronTab",
      plural: "crontabs",
      singular: "crontab",
      namespaced: true,
      verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
      shortNames: [],
      categories: [],
      subresources: [],
      storagePrefix: "/registry/stable.example.com/crontabs",
    };
    const resources = [...RESOURCES, crd];
    const registry = { resources: () => resources };
    const catalog = new SchemaCatalog();
    const before = (await index(registry, catalog))["apis/stable.example.com/v1"]?.serverRelativeURL;
    const bare = await doc("apis/stable.example.com/v1", registry, catalog);
    const patch = bare.paths["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}"]
      ?.patch as Operation;
    expect(Object.keys(patch.requestBody?.content ?? {})).not.toContain(
      "application/strategic-merge-patch+json",
    );
    const gvk = { group: "stable.example.com", version: "v1", kind: "CronTab" };
    catalog.setCustomResource(
      gvk,
      customResourceSchemas(gvk, {
        type: "object",
        properties: { spec: { type: "object", description: "The spec." } },
      }),
    );
    const after = (await index(registry, catalog))["apis/stable.example.com/v1"]?.serverRelativeURL;
    expect(after).not.toBe(before);
    const full = await doc("apis/stable.example.com/v1", registry, catalog);
    expect(
      full.components.schemas["com.example.stable.v1.CronTab"]?.["x-kubernetes-group-version-kind"],
    ).toEqual([gvk]);
    expect(full.components.schemas["com.example.stable.v1.CronTab"]?.properties?.spec?.description).toBe(
      "The spec.",
    );
    expect(full.components.schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]).toBeDefined();
  });
});

describe("/openapi/v2", () => {
  test("an empty gnostic protobuf document with a MIME type Go can parse", async () => {
    const res = openApiV2();
    expect(res.headers.get("Content-Type")).toBe(
      "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
    );
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    expect(res.headers.get("ETag")).toMatch(/^"[0-9A-F]{128}"$/);
  });
});
