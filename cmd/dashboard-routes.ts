// Mounts the built-in dashboard on the apiserver: at /ui (served to any authenticated or
// anonymous caller; it acts only through API requests as that caller) and at the
// kubernetes-dashboard Service's proxy paths seed 001 uses (authorized as services/proxy).
// The dashboard module is loaded on the first request, so an unopened UI costs no memory.
import type { ExtraRoute, ExtraRouteContext } from "../components/apiserver/extra-route.ts";

const SERVICE_PROXY = "/api/v1/namespaces/kubernetes-dashboard/services";

export function dashboardRoutes(): ExtraRoute[] {
  let loaded: Promise<(req: Request, ctx: ExtraRouteContext) => Promise<Response>> | undefined;
  const handler = async (req: Request, ctx: ExtraRouteContext): Promise<Response> => {
    loaded ??= import("../components/dashboard/dashboard.ts").then((m) => m.createDashboard());
    return await (await loaded)(req, ctx);
  };
  return [
    { prefix: "/ui", public: true, handler },
    ...["https:kubernetes-dashboard:", "kubernetes-dashboard", "http:kubernetes-dashboard:"].map((svc) => ({
      prefix: `${SERVICE_PROXY}/${svc}/proxy`,
      handler,
    })),
  ];
}
