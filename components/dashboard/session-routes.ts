// Log in with a bearer token (checked by asking the API who it is), log out. The token lives
// in an HttpOnly, SameSite=Strict cookie scoped to the dashboard's path.
import { ApiError, apiJson, type Session } from "./api-session.ts";
import type { App } from "./dashboard-env.ts";
import { loginView } from "./views/login-view.ts";

export const TOKEN_COOKIE = "kube_dashboard_token";

/**
 * The session cookie, Secure when the browser came over HTTPS. The server behind the TLS front
 * sees plain http, so the browser's own Origin (sent with every POST) says which; through
 * `kubectl proxy` it is http://127.0.0.1:8001 and the cookie must not be Secure there.
 */
export function sessionCookie(s: Session, headers: Headers, value: string, maxAge: number): string {
  const from = headers.get("origin") ?? headers.get("referer") ?? "";
  const secure = from.startsWith("https://") || headers.get("x-forwarded-proto") === "https";
  return `${TOKEN_COOKIE}=${encodeURIComponent(value)}; Path=${s.prefix}; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;
}

export function registerSessionRoutes(app: App): void {
  app.get("/login", async (c) => {
    const expired = c.req.query("expired")
      ? "Your token was refused (Unauthorized); log in again."
      : undefined;
    return c.html(String(await loginView(c.env.session.prefix, expired)));
  });
  app.post("/login", async (c) => {
    const form = await c.req.parseBody();
    const token = String(form.token ?? "").trim();
    const s: Session = { ...c.env.session, token };
    try {
      if (!token) throw new ApiError(401, "Unauthorized", "Unauthorized");
      await apiJson(s, "/apis/authentication.k8s.io/v1/selfsubjectreviews", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }),
      });
    } catch (e) {
      const msg = e instanceof ApiError ? e.message : String(e);
      return c.html(String(await loginView(s.prefix, msg)), 401);
    }
    return new Response(null, {
      status: 303,
      headers: {
        Location: `${s.prefix}/`,
        "Set-Cookie": sessionCookie(s, c.req.raw.headers, token, 12 * 3600),
      },
    });
  });
  app.post("/logout", (c) => {
    const s = c.env.session;
    return new Response(null, {
      status: 303,
      headers: { Location: `${s.prefix}/login`, "Set-Cookie": sessionCookie(s, c.req.raw.headers, "", 0) },
    });
  });
}
