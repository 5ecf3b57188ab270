// What every dashboard route gets from the handler: the API session and the page renderer.
import type { Hono } from "hono";
import type { Session } from "./api-session.ts";
import type { PageOptions } from "./layout.ts";

export interface Env {
  session: Session;
  /** True when there is a user to act as: a token, or an authenticated non-anonymous caller. */
  identified: boolean;
  /** Starts fetching what the page header needs, so it overlaps the page's own API calls. */
  prefetch: () => void;
  render: (o: Omit<PageOptions, "prefix" | "namespaces" | "user" | "loggedIn">) => Promise<Response>;
}

export type App = Hono<{ Bindings: Env }>;
