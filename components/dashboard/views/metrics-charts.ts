// The metrics charts' placeholders (client/charts.js samples metrics.k8s.io into them while the
// page is open): CPU and memory side by side, for a list (one series per node or pod) or one object.
import { html } from "hono/html";
import type { Html } from "../layout.ts";

export interface ChartSource {
  /** Element id prefix (the charts survive a live re-render by id). */
  id: string;
  /** metrics.k8s.io path: a list, a NodeMetrics or a PodMetrics. */
  path: string;
  title: string;
  /** How often to sample (ms); 5 s when not given. */
  intervalMs?: number;
}

export function metricsCharts(sources: ChartSource[]): Html {
  return html`<div class="charts">${sources.flatMap((s) =>
    (["cpu", "memory"] as const).map(
      (m) =>
        html`<div class="chart" id="${s.id}-${m}" data-metrics="${s.path}" data-measure="${m}" data-title="${s.title}" data-interval="${s.intervalMs ?? 5000}"><span class="muted">${s.title}: sampling ${m}…</span></div>`,
    ),
  )}</div>`;
}
