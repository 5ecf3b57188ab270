// The dashboard's pages and form posts: overview, lists and objects of any resource, YAML
// edit and create, actions, logs, exec, a Deployment's graph.
import { html } from "hono/html";
import { runAction } from "./actions.ts";
import { ApiError, apiJson, apiJsonOr, type Session } from "./api-session.ts";
import type { App } from "./dashboard-env.ts";
import { type KubeList, type KubeObject, rec, str } from "./kube-object.ts";
import { apiPath, navKind, type ResourceRef, uiPath } from "./resource-kinds.ts";
import { detailView } from "./views/detail-view.ts";
import { createForm, editableYaml, editForm } from "./views/edit-view.ts";
import { graphView } from "./views/graph-view.ts";
import { listView } from "./views/list-view.ts";
import { overviewView } from "./views/overview.ts";
import { execView, logsView } from "./views/pod-views.ts";
import { createFromYaml, saveEdit } from "./yaml-edit.ts";

/** group/version/resource from the URL, namespaced or not as discovery says. */
async function refFor(s: Session, g: string, version: string, resource: string): Promise<ResourceRef> {
  const group = g === "core" ? "" : g;
  const known = navKind(group, resource);
  if (known && known.version === version) return known;
  const list = await apiJson<{ resources: Array<{ name: string; namespaced: boolean }> }>(
    s,
    group ? `/apis/${group}/${version}` : `/api/${version}`,
  );
  const r = list.resources.find((x) => x.name === resource);
  if (!r) throw new ApiError(404, `the server doesn't have a resource type "${resource}"`, "NotFound");
  return { group, version, resource, namespaced: r.namespaced };
}

const nsOf = (ns: string): string | undefined => (ns === "_" ? undefined : ns);

export function registerPages(app: App): void {
  app.get("/", async (c) => {
    const ns = c.req.query("ns") ?? "";
    // Streamed: listing every pod is the slow part of a large cluster's overview.
    const content = async () => {
      const v = await overviewView(c.env.session, ns);
      return { body: v.body, watches: v.watches, ...(v.charts ? { scripts: ["charts.js" as const] } : {}) };
    };
    return c.env.stream({ title: "Overview", active: "overview", namespace: ns }, content);
  });
  app.get("/r/:g/:v/:res", async (c) => {
    const s = c.env.session;
    const ref = await refFor(s, c.req.param("g"), c.req.param("v"), c.req.param("res"));
    const ns = ref.namespaced ? (c.req.query("ns") ?? "") : "";
    const v = await listView(s, ref, ns);
    const title = navKind(ref.group, ref.resource)?.title ?? ref.resource;
    let extra = html``;
    if (ref.resource === "customresourcedefinitions") {
      const crds = await apiJson<KubeList>(s, apiPath(ref));
      extra = html`<h2>Custom resources</h2><ul>${crds.items.map((crd) => {
        const spec = crd.spec as {
          group?: string;
          names?: { plural?: string };
          versions?: Array<{ name: string; storage?: boolean }>;
        };
        const ver = spec.versions?.find((x) => x.storage)?.name ?? spec.versions?.[0]?.name ?? "v1";
        return html`<li><a href="${s.prefix}/r/${spec.group ?? ""}/${ver}/${spec.names?.plural ?? ""}">${crd.metadata.name}</a></li>`;
      })}</ul>`;
    }
    return c.env.render({
      title,
      body: html`<h1>${title}${ns ? html` <span class="muted">in ${ns}</span>` : ""}</h1>${v.body}${extra}`,
      watches: [{ path: v.path, rv: v.rv }],
      active: ref.resource,
      namespace: ns,
    });
  });
  app.get("/r/:g/:v/:res/:ns/:name", async (c) => {
    const s = c.env.session;
    const ref = await refFor(s, c.req.param("g"), c.req.param("v"), c.req.param("res"));
    const ns = nsOf(c.req.param("ns"));
    const name = c.req.param("name");
    const v = await detailView(s, ref, ns, name, c.req.query("reveal") === "1");
    const watchPath = `${apiPath(ref, ns)}?fieldSelector=metadata.name%3D${encodeURIComponent(name)}`;
    return c.env.render({
      title: name,
      body: v.body,
      watches: [{ path: watchPath, rv: v.rv }],
      active: ref.resource,
      namespace: ns ?? "",
      ...(v.charts ? { scripts: ["charts.js" as const] } : {}),
    });
  });
  const editRoute = "/edit/:g/:v/:res/:ns/:name";
  app.get(editRoute, async (c) => {
    const s = c.env.session;
    const ref = await refFor(s, c.req.param("g"), c.req.param("v"), c.req.param("res"));
    const obj = await apiJson<KubeObject>(s, apiPath(ref, nsOf(c.req.param("ns")), c.req.param("name")));
    const body = editForm(
      c.req.path.replace(/^/, s.prefix),
      editableYaml(obj),
      undefined,
      `Edit ${c.req.param("name")}`,
    );
    return c.env.render({
      title: `Edit ${c.req.param("name")}`,
      body,
      namespace: nsOf(c.req.param("ns")) ?? "",
      scripts: ["editor.js"],
    });
  });
  app.post(editRoute, async (c) => {
    const s = c.env.session;
    const ref = await refFor(s, c.req.param("g"), c.req.param("v"), c.req.param("res"));
    const ns = nsOf(c.req.param("ns"));
    const name = c.req.param("name");
    const form = await c.req.parseBody();
    const text = String(form.yaml ?? "");
    try {
      await saveEdit(
        s,
        apiPath(ref, ns, name),
        text,
        form.mode === "apply" ? "apply" : "update",
        form.force === "true",
      );
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      const body = editForm(`${s.prefix}${c.req.path}`, text, e.message, `Edit ${name}`);
      const r = await c.env.render({
        title: `Edit ${name}`,
        body,
        namespace: ns ?? "",
        scripts: ["editor.js"],
      });
      return new Response(r.body, { status: e.code, headers: r.headers });
    }
    return c.redirect(`${s.prefix}${uiPath(ref, ns, name)}`, 303);
  });
  app.get("/new", (c) =>
    c.env.render({
      title: "Create",
      body: createForm(`${c.env.session.prefix}/new?ns=${c.req.query("ns") ?? ""}`, "", undefined, []),
      namespace: c.req.query("ns") ?? "",
      scripts: ["editor.js"],
    }),
  );
  app.post("/new", async (c) => {
    const s = c.env.session;
    const ns = c.req.query("ns") || "default";
    const text = String((await c.req.parseBody()).yaml ?? "");
    const action = `${s.prefix}/new?ns=${c.req.query("ns") ?? ""}`;
    try {
      const made = await createFromYaml(s, text, ns);
      return c.env.render({
        title: "Create",
        body: createForm(action, "", undefined, made),
        namespace: ns,
        scripts: ["editor.js"],
      });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      const r = await c.env.render({
        title: "Create",
        body: createForm(action, text, e.message, []),
        namespace: ns,
        scripts: ["editor.js"],
      });
      return new Response(r.body, { status: e.code, headers: r.headers });
    }
  });
  app.post("/action/:verb", async (c) => {
    const s = c.env.session;
    const form = Object.fromEntries(Object.entries(await c.req.parseBody()).map(([k, v]) => [k, String(v)]));
    const ref = await refFor(s, form.group || "core", form.version ?? "v1", form.resource ?? "");
    const ns = ref.namespaced ? form.namespace : undefined;
    const name = form.name ?? "";
    const next = await runAction(s, c.req.param("verb"), { ref, namespace: ns, name, form });
    return c.redirect(
      `${s.prefix}${next === "list" ? `${uiPath(ref)}${ns ? `?ns=${ns}` : ""}` : uiPath(ref, ns, name)}`,
      303,
    );
  });
  const pod = (s: Session, ns: string, name: string) =>
    apiJson<KubeObject>(s, `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}`);
  app.get("/logs/:ns/:name", async (c) => {
    const p = await pod(c.env.session, c.req.param("ns"), c.req.param("name"));
    return c.env.render({
      title: `Logs ${c.req.param("name")}`,
      body: logsView(c.env.session.prefix, p, new URL(c.req.url).searchParams),
      active: "pods",
      namespace: c.req.param("ns"),
    });
  });
  app.get("/exec/:ns/:name", async (c) => {
    const s = c.env.session;
    const p = await pod(s, c.req.param("ns"), c.req.param("name"));
    // Whether the node's runtime gives exec a pty (kube's process runtime does not).
    const nodeName = typeof p.spec?.nodeName === "string" ? p.spec.nodeName : "";
    const node = nodeName
      ? await apiJsonOr<KubeObject>(s, `/api/v1/nodes/${encodeURIComponent(nodeName)}`)
      : undefined;
    const runtime = str(rec(rec(node?.status).nodeInfo).containerRuntimeVersion);
    const body = execView(s.prefix, p, new URL(c.req.url).searchParams, runtime.startsWith("kube-process:"));
    return c.env.render({
      title: `Exec ${c.req.param("name")}`,
      body,
      active: "pods",
      namespace: c.req.param("ns"),
      scripts: ["terminal.js"],
    });
  });
  app.get("/graph/:ns/:name", async (c) =>
    c.env.render({
      title: "Graph",
      body: await graphView(c.env.session, c.req.param("ns"), c.req.param("name")),
      active: "deployments",
      namespace: c.req.param("ns"),
    }),
  );
}
