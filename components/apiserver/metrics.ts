// /metrics in Prometheus text format: request counts and latency histograms by verb,
// resource and code, with upstream's metric names (apiserver_request_total,
// apiserver_request_duration_seconds).

const BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 5, 10, 30, 60];

interface Series {
  labels: string;
  count: number;
}

interface Histogram {
  labels: string;
  buckets: number[];
  sum: number;
  count: number;
}

export class ApiMetrics {
  private readonly totals = new Map<string, Series>();
  private readonly durations = new Map<string, Histogram>();
  private inflight = 0;

  begin(): () => void {
    this.inflight++;
    return () => {
      this.inflight--;
    };
  }

  record(
    verb: string,
    group: string,
    resource: string,
    subresource: string,
    code: number,
    seconds: number,
  ): void {
    const base = `verb="${verb}",group="${group}",resource="${resource}",subresource="${subresource}"`;
    const withCode = `${base},code="${code}"`;
    const total = this.totals.get(withCode) ?? { labels: withCode, count: 0 };
    total.count++;
    this.totals.set(withCode, total);
    if (verb === "WATCH") return;
    const h = this.durations.get(base) ?? { labels: base, buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
    for (let i = 0; i < BUCKETS.length; i++)
      if (seconds <= (BUCKETS[i] as number)) h.buckets[i] = (h.buckets[i] as number) + 1;
    h.sum += seconds;
    h.count++;
    this.durations.set(base, h);
  }

  render(): string {
    const lines: string[] = [
      "# HELP apiserver_request_total Counter of apiserver requests broken out for each verb, group, resource, subresource and HTTP response code.",
      "# TYPE apiserver_request_total counter",
    ];
    for (const s of this.totals.values()) lines.push(`apiserver_request_total{${s.labels}} ${s.count}`);
    lines.push(
      "# HELP apiserver_request_duration_seconds Response latency distribution in seconds for each verb, group, resource and subresource.",
      "# TYPE apiserver_request_duration_seconds histogram",
    );
    for (const h of this.durations.values()) {
      BUCKETS.forEach((b, i) => {
        lines.push(`apiserver_request_duration_seconds_bucket{${h.labels},le="${b}"} ${h.buckets[i]}`);
      });
      lines.push(`apiserver_request_duration_seconds_bucket{${h.labels},le="+Inf"} ${h.count}`);
      lines.push(`apiserver_request_duration_seconds_sum{${h.labels}} ${h.sum}`);
      lines.push(`apiserver_request_duration_seconds_count{${h.labels}} ${h.count}`);
    }
    lines.push(
      "# HELP apiserver_current_inflight_requests Number of requests being served.",
      "# TYPE apiserver_current_inflight_requests gauge",
      `apiserver_current_inflight_requests ${this.inflight}`,
    );
    return `${lines.join("\n")}\n`;
  }
}
