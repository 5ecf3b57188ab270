// The loopback bridge between kube server's apiserver and its fake nodes' process: an HTTP port on
// 127.0.0.1 where a request carrying the secret token acts as the node it names (system:node:<n>),
// handed to the apiserver's in-process handler; anything else is a 401 Status.

import { timingSafeEqual } from "node:crypto";
import { nodeUser, type UserInfo } from "../components/apiserver/authn/user-info.ts";
import type { FetchLike } from "../lib/client/api-client.ts";
import { StatusError } from "../lib/errors/status-error.ts";
import { statusResponse } from "../lib/errors/status-response.ts";
import { NODE_HEADER, TOKEN_HEADER } from "./server-nodes-protocol.ts";

/** The loopback bridge: a request with the token acts as the node it names, else 401. */
export function startServerNodesBridge(options: {
  nodeNames: string[];
  fetchAs: (user: UserInfo) => FetchLike;
  token: string;
}): ReturnType<typeof Bun.serve> {
  const expected = Buffer.from(options.token);
  const names = new Set(options.nodeNames);
  const handlers = new Map<string, FetchLike>();
  const unauthorized = (): Response => statusResponse(StatusError.of(401, "Unauthorized", "Unauthorized"));
  return Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    // Watches stay open for minutes with nothing to send.
    idleTimeout: 0,
    development: false,
    fetch: (request) => {
      const given = Buffer.from(request.headers.get(TOKEN_HEADER) ?? "");
      const node = request.headers.get(NODE_HEADER) ?? "";
      if (given.length !== expected.length || !timingSafeEqual(given, expected) || !names.has(node))
        return unauthorized();
      let handler = handlers.get(node);
      if (!handler) {
        handler = options.fetchAs(nodeUser(node));
        handlers.set(node, handler);
      }
      return handler(request);
    },
    error: (error) => statusResponse(error),
  });
}
