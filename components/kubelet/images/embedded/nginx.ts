// The `nginx` image: an HTTP/1.1 server on port 80 serving nginx's default welcome page, with an
// access log in nginx's combined format at $LOG_DIR/access.log (default /var/log/nginx), so
// seed 003's nginx + log-truncator pod behaves as with the real image.

import type * as Http from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { join } from "node:path";
import type { Component } from "../../../../lib/component.ts";
import { createAppendLog } from "./append-log.ts";
import { combinedLogLine } from "./combined-log-format.ts";
import type { EmbeddedImage, ImageContext } from "./embedded-image.ts";
import { listenPort } from "./listen-port.ts";
import { errorPage, welcomePage } from "./nginx-pages.ts";

/** How long stop() lets in-flight requests finish before closing their connections. */
const gracefulStopMs = 5_000;

function respond(request: IncomingMessage, response: ServerResponse): number {
  const path = (request.url ?? "/").split("?")[0];
  let status = 200;
  let body = welcomePage;
  if (request.method !== "GET" && request.method !== "HEAD") {
    status = 405;
    body = errorPage("405 Not Allowed");
  } else if (path !== "/" && path !== "/index.html") {
    status = 404;
    body = errorPage("404 Not Found");
  }
  const bytes = Buffer.from(body);
  response.writeHead(status, {
    Server: "nginx",
    "Content-Type": "text/html",
    "Content-Length": String(bytes.length),
  });
  const sent = request.method === "HEAD" ? 0 : bytes.length;
  response.end(request.method === "HEAD" ? undefined : bytes);
  return sent;
}

function remoteAddr(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? "-";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host: "0.0.0.0" }, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : port);
    });
  });
}

async function startNginx(context: ImageContext): Promise<Component> {
  const logPath = join(context.env.LOG_DIR || "/var/log/nginx", "access.log");
  const accessLog = createAppendLog(logPath, (error) => context.log(`nginx: access log: ${error.message}`));
  // node:http (with its streams) loads when a pod runs this image, not with every kube process:
  // a static import is hoisted to the bundle's top (~20-30 ms of CPU at each start).
  const { createServer } = require("node:http") as typeof Http;
  const server = createServer((request, response) => {
    const bodyBytesSent = respond(request, response);
    accessLog.write(
      combinedLogLine({
        remoteAddr: remoteAddr(request),
        time: new Date(),
        request: `${request.method} ${request.url} HTTP/${request.httpVersion}`,
        status: response.statusCode,
        bodyBytesSent,
        referer: request.headers.referer,
        userAgent: request.headers["user-agent"],
      }),
    );
  });
  const port = await listen(server, listenPort(context.env, 80));
  context.log(`nginx: listening on 0.0.0.0:${port}, access log ${logPath}`);
  const done = Promise.withResolvers<void>();
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const deadline = setTimeout(() => server.closeAllConnections(), gracefulStopMs);
    await closed;
    clearTimeout(deadline);
    await accessLog.flush();
    done.resolve();
  };
  return {
    name: "nginx",
    ready: Promise.resolve(),
    done: done.promise,
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
}

export const nginxImage: EmbeddedImage = { name: "nginx", kind: "program", start: startNginx };
