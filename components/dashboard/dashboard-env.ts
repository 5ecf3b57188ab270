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
  /**
   * Like render, but the page's header and navigation are sent at once, then `content` is made
   * and sent (a slow list paints the page's frame first). A failure after the start is shown
   * in the page (200), and an expired token's page sends the browser to the login.
   */
  stream: (o: StreamedPage, content: () => Promise<StreamedContent>) => Promise<Response>;
}

export type StreamedPage = Omit<
  PageOptions,
  "prefix" | "namespaces" | "user" | "loggedIn" | "body" | "watches"
>;
export type StreamedContent = Pick<PageOptions, "body" | "watches" | "scripts">;

export type App = Hono<{ Bindings: Env }>;
