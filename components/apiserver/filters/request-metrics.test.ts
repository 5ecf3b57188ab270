import { expect, test } from "bun:test";
import { StatusError } from "../../../lib/errors/status-error.ts";
import { ApiMetrics } from "../metrics.ts";
import { chain } from "./chain.ts";
import { contextOf } from "./request-context.ts";
import { withMetrics, withRequestInfo } from "./request-metrics.ts";

test("request info reaches the handler; a thrown StatusError leaves as its Status and is counted", async () => {
  const metrics = new ApiMetrics();
  const handler = chain(
    async (req) => {
      const info = contextOf(req).info;
      if (info?.name === "missing") throw StatusError.notFound({ group: "", resource: "pods" }, "missing");
      return new Response(`${info?.verb} ${info?.resource} ${info?.namespace}`);
    },
    withMetrics(metrics),
    withRequestInfo(),
  );
  const ok = await handler(new Request("http://x/api/v1/namespaces/ns/pods"));
  expect(await ok.text()).toBe("list pods ns");
  const missing = await handler(new Request("http://x/api/v1/namespaces/ns/pods/missing"));
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as { message: string }).message).toBe('pods "missing" not found');
  const text = metrics.render();
  expect(text).toContain('verb="LIST"');
  expect(text).toMatch(/code="404"/);
});
