// Handlers mounted beside the API (the built-in dashboard at /ui/): they run after
// authentication, and call the API back through `api` as the request's own user, so RBAC
// applies to everything they do. Routes marked `public` skip authorization (upstream's
// AlwaysAllowPaths): the route itself only ever acts through `api`.
import type { UserInfo } from "./authn/user-info.ts";

export type FetchLike = (req: Request) => Promise<Response>;

export interface ExtraRouteContext {
  /**
   * Performs an API request: as the user the route's request was authenticated as, or, when the
   * request carries its own Authorization header (a token the browser session holds), as whoever
   * that token authenticates to.
   */
  api: FetchLike;
  /** The matched path prefix, e.g. "/ui" (links are built under it). */
  prefix: string;
  /** Who the route's request was authenticated as (system:anonymous when no credentials). */
  user: UserInfo | undefined;
}

export interface ExtraRoute {
  /** A path prefix without a trailing slash; matches the prefix itself and everything under it. */
  prefix: string;
  /** Serve without the authorization filter (the handler acts only through `api`). */
  public?: boolean;
  handler: (req: Request, ctx: ExtraRouteContext) => Promise<Response>;
}

/** The route whose prefix `path` is, or lies under. */
export function matchExtraRoute(routes: readonly ExtraRoute[], path: string): ExtraRoute | undefined {
  return routes.find((r) => path === r.prefix || path.startsWith(`${r.prefix}/`));
}
