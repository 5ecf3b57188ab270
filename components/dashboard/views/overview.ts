// The cluster overview: nodes, pods by phase, recent warnings, and node CPU/memory from
// metrics.k8s.io when the metrics API answers.
import { html } from "hono/html";
import { apiJson, apiJsonOr, type Session } from "../api-session.ts";
import { age, type KubeList, type KubeObject, rec, str } from "../kube-object.ts";
import type { Html } from "../layout.ts";
import { metricsCharts } from "./metrics-charts.ts";

export async function overviewView(
  s: Session,
  namespace: string,
): Promise<{ body: Html; watches: Array<{ path: string; rv: string | undefined }>; charts: boolean }> {
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  const [nodes, pods, events, metrics] = await Promise.all([
    apiJsonOr<KubeList>(s, "/api/v1/nodes"),
    apiJson<KubeList>(s, `/api/v1${ns}/pods`),
    apiJsonOr<KubeList>(s, `/api/v1${ns}/events?fieldSelector=type%3DWarning&limit=500`),
    apiJsonOr<KubeList>(s, "/apis/metrics.k8s.io/v1beta1/nodes"),
  ]);
  const phases = new Map<string, number>();
  for (const p of pods.items) {
    const ph = str(p.status?.phase, "Unknown");
    phases.set(ph, (phases.get(ph) ?? 0) + 1);
  }
  const usage = new Map((metrics?.items ?? []).map((m) => [m.metadata.name, rec(m.usage)]));
  const warnings = (events?.items ?? [])
    .sort((a, b) => str(b.lastTimestamp ?? b.eventTime).localeCompare(str(a.lastTimestamp ?? a.eventTime)))
    .slice(0, 10);
  const ready = (n: KubeObject) =>
    (n.status?.conditions as Array<{ type: string; status: string }> | undefined)?.find(
      (c) => c.type === "Ready",
    )?.status === "True";
  const body = html`<h1>Overview${namespace ? ` · ${namespace}` : ""}</h1>
<div class="cards"><div class="card" id="pod-count"><b>${pods.items.length}</b>pods</div>
${["Running", "Pending", "Succeeded", "Failed"].map((ph) => html`<div class="card ${ph}"><b>${phases.get(ph) ?? 0}</b>${ph}</div>`)}
<div class="card"><b>${nodes ? nodes.items.filter(ready).length : "?"}/${nodes?.items.length ?? "?"}</b>nodes ready</div></div>
${
  metrics
    ? metricsCharts([
        { id: "nodes", path: "/apis/metrics.k8s.io/v1beta1/nodes", title: "Nodes" },
        // Every pod's metrics cost the server a pod list: sampled less often.
        {
          id: "pods",
          path: `/apis/metrics.k8s.io/v1beta1${ns}/pods`,
          title: "Pods (top 8)",
          intervalMs: 10_000,
        },
      ])
    : ""
}
<h2>Nodes</h2><div class="scroll"><table><thead><tr><th>NAME</th><th>STATUS</th><th>CPU</th><th>MEMORY</th><th>PODS</th><th>AGE</th></tr></thead><tbody>
${(nodes?.items ?? []).map((n) => {
  const u = usage.get(n.metadata.name);
  return html`<tr><td>${n.metadata.name}</td><td class="${ready(n) ? "Ready" : "Failed"}">${ready(n) ? "Ready" : "NotReady"}${n.spec?.unschedulable ? ",SchedulingDisabled" : ""}</td>
<td>${u ? cpu(str(u.cpu)) : "–"}</td><td>${u ? memory(str(u.memory)) : "–"}</td><td>${pods.items.filter((p) => p.spec?.nodeName === n.metadata.name).length}</td><td>${age(n.metadata.creationTimestamp)}</td></tr>`;
})}</tbody></table></div>
<h2>Recent warnings</h2>${
    warnings.length
      ? html`<div class="scroll"><table><thead><tr><th>OBJECT</th><th>REASON</th><th>MESSAGE</th><th>AGE</th></tr></thead><tbody>${warnings.map(
          (e) =>
            html`<tr><td>${str(rec(e.involvedObject).kind)}/${str(rec(e.involvedObject).name)}</td><td class="Warning">${str(e.reason)}</td><td>${str(e.message)}</td><td>${age(str(e.lastTimestamp ?? e.eventTime) || undefined)}</td></tr>`,
        )}</tbody></table></div>`
      : html`<p class="muted">No warnings.</p>`
  }`;
  return {
    body,
    watches: [{ path: `/api/v1${ns}/pods`, rv: pods.metadata.resourceVersion }],
    charts: metrics !== undefined,
  };
}

/** metrics.k8s.io CPU ("1965811966n", "250m", "2") as kubectl top prints it: millicores. */
export function cpu(q: string): string {
  const m = /^(\d+(?:\.\d+)?)(n|u|m)?$/.exec(q);
  if (!m) return q;
  const div = { n: 1e6, u: 1e3, m: 1, "": 1 / 1000 }[m[2] ?? ""] ?? 1;
  return `${Math.round(Number(m[1]) / div)}m`;
}

/** Memory ("2919840Ki") in Mi, as kubectl top prints it. */
export function memory(q: string): string {
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(q);
  if (!m) return q;
  const bytes = Number(m[1]) * ({ Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[m[2] ?? ""] ?? 1);
  return `${Math.round(bytes / 1024 ** 2)}Mi`;
}
