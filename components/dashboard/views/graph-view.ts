// A Deployment's resource graph: its ReplicaSets, their Pods, and the Services whose selector
// picks those Pods, as a nested tree of links.
import { html } from "hono/html";
import { apiJson, type Session } from "../api-session.ts";
import { type KubeList, type KubeObject, rec, str } from "../kube-object.ts";
import type { Html } from "../layout.ts";

const owned = (items: KubeObject[], owner: KubeObject) =>
  items.filter((o) => o.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid));

export async function graphView(s: Session, ns: string, name: string): Promise<Html> {
  const base = `/namespaces/${encodeURIComponent(ns)}`;
  const [dep, rss, pods, svcs] = await Promise.all([
    apiJson<KubeObject>(s, `/apis/apps/v1${base}/deployments/${encodeURIComponent(name)}`),
    apiJson<KubeList>(s, `/apis/apps/v1${base}/replicasets`),
    apiJson<KubeList>(s, `/api/v1${base}/pods`),
    apiJson<KubeList>(s, `/api/v1${base}/services`),
  ]);
  const p = s.prefix;
  const selects = (svc: KubeObject, pod: KubeObject) => {
    const sel = rec(svc.spec?.selector) as Record<string, string>;
    const keys = Object.keys(sel);
    return keys.length > 0 && keys.every((k) => pod.metadata.labels?.[k] === sel[k]);
  };
  const myPods = owned(rss.items, dep).flatMap((rs) => owned(pods.items, rs));
  const services = svcs.items.filter((svc) => myPods.some((pod) => selects(svc, pod)));
  return html`<h1>Graph of deployment ${name}</h1><div class="graph"><ul><li>Deployment <a href="${p}/r/apps/v1/deployments/${ns}/${name}">${name}</a><ul>
${owned(rss.items, dep).map(
  (
    rs,
  ) => html`<li>ReplicaSet <a href="${p}/r/apps/v1/replicasets/${ns}/${rs.metadata.name}">${rs.metadata.name}</a> (revision ${rs.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? "?"})<ul>
${owned(pods.items, rs).map(
  (pod) =>
    html`<li>Pod <a href="${p}/r/core/v1/pods/${ns}/${pod.metadata.name}">${pod.metadata.name}</a> <span class="${str(pod.status?.phase)}">${str(pod.status?.phase)}</span>${services
      .filter((svc) => selects(svc, pod))
      .map(
        (svc) =>
          html` ← Service <a href="${p}/r/core/v1/services/${ns}/${svc.metadata.name}">${svc.metadata.name}</a>`,
      )}</li>`,
)}</ul></li>`,
)}</ul></li></ul></div>`;
}
