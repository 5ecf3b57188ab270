// The kubelet's HTTP server (pkg/kubelet/server/server.go): on the main port the read-only
// endpoints plus container logs, exec, attach and port-forward, served over TLS with every caller
// authenticated and authorized (auth/kubelet-auth.ts); on the read-only port (plain HTTP, no
// authentication, as upstream's 10255) only /healthz, /pods, /spec/ and /stats/summary.
import type { Server, ServerWebSocket } from "bun";
import type { Pod } from "kubernetes-types/core/v1";
import type { Component } from "../../../lib/component.ts";
import { malformedRequest, serverErrorResponse } from "../../../lib/errors/malformed-request.ts";
import { StatusError } from "../../../lib/errors/status-error.ts";
import { statusResponse } from "../../../lib/errors/status-response.ts";
import { startTlsFront, type TlsFront } from "../../../lib/tls/tls-front.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { KubeletAuth, type KubeletAuthOptions } from "./auth/kubelet-auth.ts";
import { containerLogs } from "./log-route.ts";
import { machineInfo } from "./machine-info.ts";
import type { KubeletSocketData } from "./socket-handler.ts";
import { StatsCollector } from "./stats-summary.ts";
import { execOrAttach, portForward, type StreamDeps } from "./stream-routes.ts";

export interface KubeletServerOptions {
  address: string;
  /** 0 picks a free port. */
  port: number;
  /** Undefined: no read-only port; 0 picks a free port. */
  readOnlyPort?: number;
  runtime: Runtime;
  /** The pods this kubelet runs. */
  pods(): Pod[];
  nodeName: string;
  log(line: string): void;
  /**
   * How the main port is served. `tls`: HTTPS (--tls-cert-file, --tls-private-key-file,
   * --client-ca-file), every caller authenticated and authorized through `api` (webhook mode).
   * `loopback`: plain HTTP on 127.0.0.1 only, for a standalone kubelet without an API server.
   * Absent: plain HTTP on `address` without authentication (older setups and tests).
   */
  serving?: KubeletServing;
}

export type KubeletServing =
  | ({
      mode: "tls";
      certPem: string;
      keyPem: string;
    } & Omit<KubeletAuthOptions, "nodeName" | "log" | "now">)
  | { mode: "loopback" };

export interface KubeletServer extends Component {
  port: number;
  readOnlyPort: number | undefined;
}

const websocket = {
  open(ws: ServerWebSocket<KubeletSocketData>) {
    ws.data.handler = ws.data.open(ws);
  },
  message(ws: ServerWebSocket<KubeletSocketData>, message: string | Buffer) {
    ws.data.handler?.receive(typeof message === "string" ? new TextEncoder().encode(message) : message);
  },
  close(ws: ServerWebSocket<KubeletSocketData>) {
    ws.data.handler?.closed();
  },
  // The client caught up after a send reported backpressure: the handler may produce again.
  drain(ws: ServerWebSocket<KubeletSocketData>) {
    ws.data.handler?.drain?.();
  },
};

const READ_ONLY_PATHS = new Set(["/pods", "/spec", "/stats/summary"]);

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } });
}

export async function startKubeletServer(options: KubeletServerOptions): Promise<KubeletServer> {
  const stats = new StatsCollector({ runtime: options.runtime, nodeName: options.nodeName });

  const readOnly = async (path: string, method: string): Promise<Response | null> => {
    if (path === "/healthz")
      return new Response("ok", { headers: { "Content-Type": "text/plain; charset=utf-8" } });
    // The read-only endpoints answer GET only (upstream registers them as GET routes: 405 else).
    if (READ_ONLY_PATHS.has(path.replace(/\/$/, "")) && method !== "GET" && method !== "HEAD")
      throw StatusError.methodNotAllowed();
    if (path === "/pods" || path === "/pods/") {
      return json({ kind: "PodList", apiVersion: "v1", metadata: {}, items: options.pods() });
    }
    if (path === "/spec" || path === "/spec/") return json(machineInfo());
    if (path === "/stats/summary" || path === "/stats/summary/")
      return json(await stats.summary(options.pods()));
    return null;
  };

  const main = async (req: Request, server: Server<KubeletSocketData>): Promise<Response | undefined> => {
    const url = new URL(req.url);
    const ro = await readOnly(url.pathname, req.method);
    if (ro) return ro;
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const [verb, namespace, pod, container] = parts;
    const deps: StreamDeps = {
      runtime: options.runtime,
      pods: options.pods,
      server,
      // SPDY upgrades: the TLS front hands the client connection over.
      takeOver: (r) => {
        const remote = server.requestIP(r)?.port;
        return remote === undefined ? undefined : front?.takeOver(remote);
      },
      log: options.log,
    };
    if (verb === "containerLogs" && parts.length === 4 && namespace && pod && container) {
      return containerLogs(options.runtime, options.pods(), namespace, pod, container, url);
    }
    if ((verb === "exec" || verb === "attach") && namespace && pod && container) {
      // Upstream also accepts /exec/{ns}/{pod}/{uid}/{container}; the container is last.
      return execOrAttach(deps, req, url, verb, namespace, pod, parts[parts.length - 1] as string);
    }
    if (verb === "portForward" && namespace && pod) return portForward(deps, req, namespace, pod);
    throw StatusError.notFoundPath();
  };

  const guarded =
    (handler: (req: Request, server: Server<KubeletSocketData>) => Promise<Response | undefined>) =>
    async (req: Request, server: Server<KubeletSocketData>): Promise<Response | undefined> => {
      const malformed = malformedRequest(req);
      if (malformed) return malformed;
      try {
        return await handler(req, server);
      } catch (err) {
        if (!(err instanceof StatusError))
          options.log(`kubelet server: ${req.method} ${new URL(req.url).pathname}: ${err}`);
        return statusResponse(err);
      }
    };

  const serving = options.serving;
  const tls = serving?.mode === "tls" ? serving : undefined;
  const auth = tls
    ? (() => {
        const { mode: _mode, certPem: _cert, keyPem: _key, ...authOptions } = tls;
        return new KubeletAuth({ ...authOptions, nodeName: options.nodeName, log: options.log });
      })()
    : undefined;
  let front: TlsFront | undefined;
  const authenticated = async (
    req: Request,
    server: Server<KubeletSocketData>,
  ): Promise<Response | undefined> => {
    if (!auth) return main(req, server);
    const port = server.requestIP(req)?.port;
    const outcome = await auth.check(req, port === undefined ? undefined : front?.peerOf(port));
    return outcome.ok ? main(req, server) : outcome.response;
  };
  // With TLS the handler listens on loopback behind the TLS front, which tells it the client's certificate.
  const plainAddress = serving === undefined ? options.address : "127.0.0.1";
  const mainServer = Bun.serve<KubeletSocketData>({
    hostname: plainAddress,
    port: tls ? 0 : options.port,
    // Log follows, exec and port-forward sessions last as long as the client wants.
    idleTimeout: 0,
    fetch: guarded(authenticated),
    websocket,
    // Never Bun's development error page: what escapes leaves as a Status.
    development: false,
    error: serverErrorResponse,
  });
  let roServer: Server<KubeletSocketData> | undefined;
  try {
    if (tls) {
      front = startTlsFront({
        hostname: options.address,
        port: options.port,
        certPem: tls.certPem,
        keyPem: tls.keyPem,
        ...(tls.clientCaPem === undefined ? {} : { clientCaPem: tls.clientCaPem }),
        target: { hostname: "127.0.0.1", port: mainServer.port as number },
      });
    }
    if (options.readOnlyPort !== undefined) {
      roServer = Bun.serve<KubeletSocketData>({
        hostname: serving?.mode === "loopback" ? "127.0.0.1" : options.address,
        port: options.readOnlyPort,
        fetch: guarded(
          async (req) =>
            (await readOnly(new URL(req.url).pathname, req.method)) ??
            statusResponse(StatusError.notFoundPath()),
        ),
        websocket,
        development: false,
        error: serverErrorResponse,
      });
    }
  } catch (err) {
    await front?.stop();
    await mainServer.stop(true);
    throw err;
  }
  const port = front?.port ?? (mainServer.port as number);
  const how = tls
    ? `https, ${auth?.summary()}`
    : serving?.mode === "loopback"
      ? `plain http on 127.0.0.1 only (standalone: no API server to authenticate callers${options.address === "127.0.0.1" ? "" : `; not on ${options.address}`})`
      : "plain http without authentication";
  options.log(
    `kubelet server listening on ${tls ? options.address : plainAddress}:${port} (${how})${roServer ? `, read-only on ${roServer.port}` : ""}`,
  );

  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  let stopped = false;
  return {
    name: "kubelet-server",
    ready: Promise.resolve(),
    done,
    port,
    readOnlyPort: roServer?.port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await front?.stop();
      await Promise.all([mainServer.stop(true), roServer?.stop(true)]);
      resolveDone();
    },
  };
}
