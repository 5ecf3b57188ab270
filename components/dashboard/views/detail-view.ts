// One object: its summary (rollout state, conditions, containers), the actions the user may
// take (buttons RBAC would refuse are disabled), its events, and its YAML (Secret values
// hidden until asked).
import { html } from "hono/html";
import { stringify } from "yaml";
import { canI } from "../access.ts";
import { apiJson, apiJsonOr, type Session } from "../api-session.ts";
import { age, arr, type KubeList, type KubeObject, num, rec, str } from "../kube-object.ts";
import type { Html } from "../layout.ts";
import { apiPath, type ResourceRef } from "../resource-kinds.ts";
import { actionForms } from "./action-forms.ts";
import { metricsCharts } from "./metrics-charts.ts";

export async function detailView(
  s: Session,
  r: ResourceRef,
  namespace: string | undefined,
  name: string,
  reveal: boolean,
): Promise<{ body: Html; rv: string | undefined; path: string; charts: boolean }> {
  const path = apiPath(r, namespace, name);
  const obj = await apiJson<KubeObject>(s, path);
  const ns = namespace;
  const q = { group: r.group, resource: r.resource, ...(ns ? { namespace: ns } : {}), name };
  const [canUpdate, canDelete, canExec, canScale] = await Promise.all([
    canI(s, { ...q, verb: "patch" }),
    canI(s, { ...q, verb: "delete" }),
    r.resource === "pods" ? canI(s, { ...q, verb: "create", subresource: "exec" }) : Promise.resolve(false),
    canI(s, { ...q, verb: "patch", subresource: "scale" }),
  ]);
  const events = obj.metadata.uid
    ? await apiJsonOr<KubeList>(s, `/api/v1${ns ? `/namespaces/${encodeURIComponent(ns)}` : ""}/events`)
    : undefined;
  const mine = (events?.items ?? []).filter((e) => rec(e.involvedObject).uid === obj.metadata.uid);
  const shown: KubeObject = { ...obj, metadata: { ...obj.metadata } };
  delete shown.metadata.managedFields;
  if (r.resource === "secrets" && !reveal && obj.data) {
    shown.data = Object.fromEntries(Object.keys(obj.data).map((k) => [k, "••••••"]));
  }
  // CPU and memory of a node, or of a pod's containers, while the page is open.
  const chart =
    r.group === "" && r.resource === "nodes"
      ? { id: "node", path: `/apis/metrics.k8s.io/v1beta1/nodes/${encodeURIComponent(name)}`, title: name }
      : r.group === "" && r.resource === "pods" && ns && obj.spec?.nodeName
        ? {
            id: "pod",
            path: `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}`,
            title: name,
          }
        : undefined;
  const body = html`<h1>${obj.kind ?? r.resource} <span id="objname">${name}</span>${ns ? html` <span class="muted">in ${ns}</span>` : ""}</h1>
${actionForms(s, r, obj, { canUpdate, canDelete, canExec, canScale })}
${summary(r, obj, reveal, s, path)}
${chart ? metricsCharts([chart]) : ""}
<h2>Events</h2>${
    mine.length
      ? html`<div class="scroll"><table><thead><tr><th>TYPE</th><th>REASON</th><th>MESSAGE</th><th>AGE</th></tr></thead><tbody>${mine.map(
          (e) =>
            html`<tr><td class="${str(e.type)}">${str(e.type)}</td><td>${str(e.reason)}</td><td>${str(e.message)}</td><td>${age(str(e.lastTimestamp ?? e.eventTime) || undefined)}</td></tr>`,
        )}</tbody></table></div>`
      : html`<p class="muted">No events.</p>`
  }
<h2>YAML</h2><pre id="yaml">${stringify(shown)}</pre>`;
  return { body, rv: obj.metadata.resourceVersion, path, charts: chart !== undefined };
}

function summary(r: ResourceRef, obj: KubeObject, reveal: boolean, s: Session, path: string): Html {
  const st = obj.status ?? {};
  const conds = arr(st.conditions);
  const condTable = conds.length
    ? html`<div class="scroll"><table><thead><tr><th>CONDITION</th><th>STATUS</th><th>REASON</th><th>MESSAGE</th></tr></thead><tbody>${conds.map(
        (c) =>
          html`<tr><td>${str(c.type)}</td><td class="${str(c.status)}">${str(c.status)}</td><td>${str(c.reason)}</td><td>${str(c.message)}</td></tr>`,
      )}</tbody></table></div>`
    : "";
  if (["deployments", "statefulsets", "replicasets", "daemonsets"].includes(r.resource)) {
    const want = num(obj.spec?.replicas, num(st.desiredNumberScheduled));
    const updated = num(st.updatedReplicas, num(st.updatedNumberScheduled));
    const avail = num(st.availableReplicas, num(st.numberAvailable));
    const ready = num(st.readyReplicas, num(st.numberReady));
    const rollout =
      updated < want
        ? `Waiting for rollout to finish: ${updated} out of ${want} new replicas have been updated...`
        : avail < want
          ? `Waiting for rollout to finish: ${avail} of ${want} updated replicas are available...`
          : "Rollout complete: all replicas are updated and available.";
    return html`<div class="cards"><div class="card"><b id="replicas">${ready}/${want}</b>ready</div><div class="card"><b>${updated}</b>up to date</div><div class="card"><b>${avail}</b>available</div></div>
<p id="rollout">${rollout}</p>${condTable}`;
  }
  if (r.resource === "pods") {
    const statuses = new Map(arr(st.containerStatuses).map((c) => [str(c.name), c]));
    return html`<p>Phase <b class="${str(st.phase)}">${str(st.phase)}</b> on node ${str(obj.spec?.nodeName, "–")}, IP ${str(st.podIP, "–")}</p>
<div class="scroll"><table><thead><tr><th>CONTAINER</th><th>IMAGE</th><th>READY</th><th>RESTARTS</th><th>STATE</th></tr></thead><tbody>${arr(
      obj.spec?.containers,
    ).map((c) => {
      const cs = statuses.get(str(c.name)) ?? {};
      return html`<tr><td>${str(c.name)}</td><td>${str(c.image)}</td><td>${String(cs.ready === true)}</td><td>${num(cs.restartCount)}</td><td>${Object.keys(rec(cs.state)).join(",")}</td></tr>`;
    })}</tbody></table></div>${condTable}`;
  }
  if (r.resource === "secrets" && obj.data) {
    return html`<h2>Data</h2><div class="scroll"><table><tbody>${Object.entries(obj.data).map(
      ([k, v]) =>
        html`<tr><td>${k}</td><td class="secret">${reveal ? Buffer.from(v, "base64").toString("utf8") : html`<span class="muted">${Buffer.from(v, "base64").length} bytes, hidden</span>`}</td></tr>`,
    )}</tbody></table></div>${reveal ? "" : html`<p><a href="?reveal=1" id="reveal">Show values</a></p>`}`;
  }
  void s;
  void path;
  return html`${condTable}`;
}
