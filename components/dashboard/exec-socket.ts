// The exec terminal's websocket: the browser opens it on the dashboard's own /k8s route (its
// token is an HttpOnly cookie the page cannot read), and the dashboard makes the same upgrade
// request to the API as the session's user; the API authorizes `create pods/exec` (RBAC) and
// takes the browser's connection over for its relay to the kubelet. Never kube's credentials.
import { apiRequest, type Session } from "./api-session.ts";

const STREAM_PATH = /^\/api\/v1\/namespaces\/[^/]+\/pods\/[^/]+\/(exec|attach)$/;
/** What the upgrade needs; cookies, extensions (the connection is spliced as is) stay behind. */
const UPGRADE_HEADERS = [
  "upgrade",
  "connection",
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-protocol",
];

function status(code: number, reason: string, message: string): Response {
  return Response.json(
    { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code },
    { status: code },
  );
}

/** A request from this site: the browser's Sec-Fetch-Site (kubectl proxy rewrites Host), else Origin = Host. */
export function sameOrigin(headers: Headers): boolean {
  const site = headers.get("sec-fetch-site");
  if (site) return site === "same-origin" || site === "none";
  const origin = headers.get("origin");
  if (!origin) return true;
  try {
    return new URL(origin).host === headers.get("host");
  } catch {
    return false;
  }
}

/** Passes a websocket upgrade of `path` (an API path with its query) to the API as the session's user. */
export async function execSocket(s: Session, req: Request, path: string): Promise<Response> {
  if (req.method !== "GET") return status(405, "MethodNotAllowed", "a websocket upgrade is a GET");
  const pathname = path.split("?", 1)[0] ?? "";
  if (!STREAM_PATH.test(pathname))
    return status(400, "BadRequest", `only a pod's exec and attach are websockets here, not ${pathname}`);
  const headers = new Headers();
  for (const h of UPGRADE_HEADERS) {
    const v = req.headers.get(h);
    if (v) headers.set(h, v);
  }
  return await apiRequest(s, path, { method: "GET", headers, signal: req.signal });
}
