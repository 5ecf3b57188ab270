// The action buttons of an object page, each a plain HTML form (works without JavaScript);
// what RBAC would refuse is disabled with the reason in its title.
import { html } from "hono/html";
import type { Session } from "../api-session.ts";
import { type KubeObject, num } from "../kube-object.ts";
import type { Html } from "../layout.ts";
import { type ResourceRef, uiPath } from "../resource-kinds.ts";

export interface Permissions {
  canUpdate: boolean;
  canDelete: boolean;
  canExec: boolean;
  canScale: boolean;
}

const NO = "forbidden for you by RBAC";

export function actionForms(s: Session, r: ResourceRef, obj: KubeObject, can: Permissions): Html {
  const p = s.prefix;
  const ns = obj.metadata.namespace ?? "";
  const name = obj.metadata.name ?? "";
  const self = `${p}${uiPath(r, ns, name)}`;
  const hidden = html`<input type="hidden" name="group" value="${r.group}"><input type="hidden" name="version" value="${r.version}">
<input type="hidden" name="resource" value="${r.resource}"><input type="hidden" name="namespace" value="${ns}"><input type="hidden" name="name" value="${name}">`;
  const act = (verb: string, label: string, allowed: boolean, extra: Html | string = "", cls = "") =>
    html`<form method="post" action="${p}/action/${verb}" class="act-${verb}">${hidden}${extra}<button class="${cls}" ${allowed ? "" : html`disabled title="${NO}"`}>${label}</button></form>`;
  const scalable = ["deployments", "statefulsets", "replicasets"].includes(r.resource);
  const restartable = ["deployments", "statefulsets", "daemonsets"].includes(r.resource);
  return html`<div class="bar">
<a class="btn" href="${p}/edit${uiPath(r, ns, name).slice(2)}" id="edit">Edit YAML</a>
${scalable ? act("scale", "Scale", can.canScale, html`<input type="number" min="0" name="replicas" value="${num(obj.spec?.replicas, 1)}" aria-label="replicas" style="width:5em">`) : ""}
${restartable ? act("restart", "Rollout restart", can.canUpdate) : ""}
${r.resource === "deployments" ? act("undo", "Rollout undo", can.canUpdate) : ""}
${r.resource === "deployments" ? html`<a class="btn" href="${p}/graph/${ns}/${name}">Resource graph</a>` : ""}
${r.resource === "nodes" ? html`${act("cordon", "Cordon", can.canUpdate)}${act("uncordon", "Uncordon", can.canUpdate)}${act("drain", "Drain", can.canUpdate)}` : ""}
${
  r.resource === "pods"
    ? html`<a class="btn" href="${p}/logs/${ns}/${name}" id="logs-link">Logs</a>${can.canExec ? html`<a class="btn" href="${p}/exec/${ns}/${name}" id="exec-link">Exec</a>` : html`<button disabled title="${NO}">Exec</button>`}
<span class="muted">port-forward: <code>kubectl port-forward -n ${ns} pod/${name} 8080:&lt;port&gt;</code></span>`
    : ""
}
${act(
  "delete",
  "Delete",
  can.canDelete,
  html`<select name="propagationPolicy" aria-label="propagation"><option>Background</option><option>Foreground</option><option>Orphan</option></select>`,
  "danger",
)}
<a class="btn" href="${self}">Reload</a></div>`;
}
