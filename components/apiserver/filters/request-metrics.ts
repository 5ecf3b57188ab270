// The outermost filters (upstream's WithRequestInfo and the metrics its endpoints record): the
// request's RequestInfo into the request context, and every request counted by verb, group,
// resource, subresource and code with its latency, errors rendered as a Status.
import { statusResponse } from "../../../lib/errors/status-response.ts";
import type { ApiMetrics } from "../metrics.ts";
import { requestInfo } from "../request-info.ts";
import type { Filter } from "./chain.ts";
import { contextOf } from "./request-context.ts";

export function withRequestInfo(): Filter {
  return (next) => (req) => {
    contextOf(req).info = requestInfo(req.method, new URL(req.url));
    return next(req);
  };
}

export function withMetrics(metrics: ApiMetrics): Filter {
  return (next) => async (req) => {
    const started = performance.now();
    const done = metrics.begin();
    let res: Response;
    try {
      res = await next(req);
    } catch (err) {
      res = statusResponse(err);
    }
    done();
    const info = contextOf(req).info;
    metrics.record(
      (info?.verb ?? req.method).toUpperCase(),
      info?.group ?? "",
      info?.resource ?? "",
      info?.subresource ?? "",
      res.status,
      (performance.now() - started) / 1000,
    );
    return res;
  };
}
