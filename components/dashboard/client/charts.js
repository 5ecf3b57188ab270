// Metrics charts (bundled into ./kube by bundle-macro.ts): CPU and memory from metrics.k8s.io,
// sampled through the dashboard's /k8s route (as the session's user) while the page is open,
// drawn with uPlot. A chart element says what to sample:
//   <div class="chart" id=".." data-metrics="<API path>" data-measure="cpu|memory"></div>
// A node or pod list gives one series per item; a single object gives one per container or one.
import uPlot from "uplot";
import css from "uplot/dist/uPlot.min.css" with { type: "text" };

const P = document.body.getAttribute("data-prefix") || "/ui";
const COLORS = ["#1a5fb4", "#c01c28", "#1a7f37", "#9a6700", "#813d9c", "#0e7c86", "#e66100", "#5e5c64"];
const MAX_SERIES = 8;
const MAX_SAMPLES = 360;

/** metrics.k8s.io CPU ("1965811966n", "250m", "2") in millicores. */
function millicores(q) {
  const m = /^(\d+(?:\.\d+)?)(n|u|m)?$/.exec(q || "");
  if (!m) return null;
  return Number(m[1]) / ({ n: 1e6, u: 1e3, m: 1 }[m[2]] ?? 1e-3);
}

/** Memory ("2919840Ki") in MiB. */
function mebibytes(q) {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(q || "");
  if (!m) return null;
  const unit = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, k: 1e3, M: 1e6, G: 1e9 }[m[2]] ?? 1;
  return (Number(m[1]) * unit) / 1024 ** 2;
}

/** name -> {cpu, memory} of one metrics answer (a list, a NodeMetrics or a PodMetrics). */
function usages(body) {
  const out = new Map();
  const one = (o, name) => {
    if (o.usage) out.set(name, { cpu: millicores(o.usage.cpu), memory: mebibytes(o.usage.memory) });
    else if (o.containers) {
      for (const c of o.containers)
        out.set(c.name, { cpu: millicores(c.usage?.cpu), memory: mebibytes(c.usage?.memory) });
    }
  };
  if (Array.isArray(body.items)) {
    for (const o of body.items) {
      const name = o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata?.name;
      if (o.usage) one(o, name);
      else {
        let cpu = 0;
        let memory = 0;
        for (const c of o.containers ?? []) {
          cpu += millicores(c.usage?.cpu) ?? 0;
          memory += mebibytes(c.usage?.memory) ?? 0;
        }
        out.set(name, { cpu, memory });
      }
    }
  } else one(body, body.metadata?.name ?? "");
  return out;
}

const charts = [];
const bySource = new Map();

function setup(el) {
  const src = el.getAttribute("data-metrics");
  const measure = el.getAttribute("data-measure") === "memory" ? "memory" : "cpu";
  const title = el.getAttribute("data-title") ? `${el.getAttribute("data-title")}: ` : "";
  const chart = { el, src, measure, title, times: [], series: new Map(), plot: null, names: "" };
  charts.push(chart);
  if (!bySource.has(src)) bySource.set(src, []);
  bySource.get(src).push(chart);
}

/** The series shown: the largest by their latest value, at most MAX_SERIES, in name order. */
function shown(c) {
  const last = (v) => {
    for (let i = v.length - 1; i >= 0; i--) if (v[i] != null) return v[i];
    return -1;
  };
  return [...c.series.entries()]
    .sort((a, b) => last(b[1]) - last(a[1]) || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_SERIES)
    .map((e) => e[0])
    .sort();
}

function draw(c) {
  const names = shown(c);
  const data = [c.times, ...names.map((n) => c.series.get(n))];
  c.el.setAttribute("data-points", String(c.times.length));
  const width = Math.max(200, c.el.clientWidth || 400);
  if (c.plot && c.names === names.join("\n")) {
    c.plot.setData(data);
    if (c.plot.width !== width) c.plot.setSize({ width, height: 180 });
    return;
  }
  c.plot?.destroy();
  c.names = names.join("\n");
  const unit = c.measure === "cpu" ? "m" : "Mi";
  c.el.textContent = "";
  c.plot = new uPlot(
    {
      width,
      height: 180,
      title: `${c.title}${c.measure === "cpu" ? "CPU (millicores)" : "memory (MiB)"}`,
      series: [
        {},
        ...names.map((n, i) => ({
          label: n,
          stroke: COLORS[i % COLORS.length],
          width: 1.5,
          points: { show: true, size: 4 },
          value: (_u, v) => (v == null ? "–" : `${v < 10 ? v.toFixed(1) : Math.round(v)}${unit}`),
        })),
      ],
      axes: [
        {},
        {
          size: 64,
          // As many decimals as the ticks' step needs (0.2m, 0.4m, ... for an idle pod).
          values: (_u, vals) => {
            const step = vals.length > 1 ? Math.abs(vals[1] - vals[0]) : 1;
            const d = step > 0 && step < 1 ? Math.min(3, Math.ceil(-Math.log10(step))) : 0;
            return vals.map((v) => `${v.toFixed(d)}${unit}`);
          },
        },
      ],
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] } },
    },
    data,
    c.el,
  );
}

async function sample(src, list) {
  let body;
  try {
    const res = await fetch(`${P}/k8s${src}`, {
      cache: "no-store",
      headers: { "X-Kube-Dashboard": "metrics" },
    });
    if (!res.ok) {
      const t = await res.text();
      let m = t;
      try {
        m = JSON.parse(t).message ?? t;
      } catch {}
      for (const c of list) {
        c.el.setAttribute("data-error", m);
        if (!c.plot) c.el.textContent = `${c.title}${m}`;
      }
      return;
    }
    body = await res.json();
  } catch {
    return;
  }
  const now = Date.now() / 1000;
  const got = usages(body);
  for (const c of list) {
    c.el.removeAttribute("data-error");
    c.times.push(now);
    const n = c.times.length;
    for (const name of got.keys()) {
      if (!c.series.has(name)) c.series.set(name, new Array(n - 1).fill(null));
    }
    for (const [name, values] of c.series) values.push(got.get(name)?.[c.measure] ?? null);
    if (n > MAX_SAMPLES) {
      c.times.shift();
      for (const values of c.series.values()) values.shift();
    }
    draw(c);
  }
}

const els = document.querySelectorAll("[data-metrics]");
if (els.length) {
  const style = document.createElement("style");
  style.textContent = css;
  document.head.appendChild(style);
  for (const el of els) setup(el);
  // Each source at its own pace (a list of every pod's metrics costs the server a pod list).
  const timers = [...bySource].map(([src, list]) => {
    sample(src, list);
    return setInterval(() => sample(src, list), Number(list[0].el.getAttribute("data-interval")) || 5000);
  });
  addEventListener("pagehide", () => {
    for (const t of timers) clearInterval(t);
  });
  // A live update re-renders <main>: the charts (and their samples so far) move into it.
  document.addEventListener("kube:refreshed", () => {
    for (const c of charts) {
      const fresh = c.el.id ? document.getElementById(c.el.id) : null;
      if (fresh && fresh !== c.el) fresh.replaceWith(c.el);
    }
  });
  addEventListener("resize", () => {
    for (const c of charts) if (c.plot) draw(c);
  });
}
window.kubeCharts = charts;
