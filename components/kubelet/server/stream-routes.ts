// The kubelet's streaming endpoints (pkg/kubelet/server/server.go): /exec and /attach
// ({namespace}/{pod}/{container}) over a websocket with the channel protocol or over a SPDY/3.1
// upgrade; /portForward/{namespace}/{pod} over SPDY (plain, or inside a websocket) or the
// websocket channel protocol. Everything is checked before the upgrade, so a bad request is an
// ordinary HTTP error with a Status.
import type { Server } from "bun";
import type { Pod } from "kubernetes-types/core/v1";
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ExecProcess, Runtime } from "../runtime/runtime.ts";
import { CHANNEL_PROTOCOLS, type ChannelProtocol, ExecSession } from "./exec-session.ts";
import { resolveContainer, resolvePod } from "./pod-resolver.ts";
import { PORT_FORWARD_CHANNEL_PROTOCOLS, PortForwardChannels, portsOf } from "./port-forward-channels.ts";
import { PortForwardSession } from "./port-forward-session.ts";
import {
  BACKPRESSURE,
  isWebSocketUpgrade,
  type KubeletSocketData,
  offeredProtocols,
} from "./socket-handler.ts";
import { SPDY_EXEC_PROTOCOLS, SpdyExecSession } from "./spdy-exec-session.ts";
import { acceptSpdyUpgrade, isSpdyUpgrade, negotiateStreamProtocol, type TakeOver } from "./spdy-upgrade.ts";
import { queryBool } from "./status-response.ts";

/** The SPDY protocol of port-forward (X-Stream-Protocol-Version). */
export const PORT_FORWARD_SPDY_PROTOCOL = "portforward.k8s.io";

export const PORT_FORWARD_PROTOCOL = "SPDY/3.1+portforward.k8s.io";
/**
 * The same protocol under a name websocket clients accept: "/" is not allowed in a subprotocol
 * token, so WHATWG WebSocket clients (the apiserver's relay) cannot offer the name kubectl uses.
 */
export const PORT_FORWARD_PROTOCOL_TOKEN = "spdy-3.1.portforward.k8s.io";

export interface StreamDeps {
  runtime: Runtime;
  pods(): Pod[];
  server: Server<KubeletSocketData>;
  /** Hands over the connection of a SPDY upgrade (the front's); absent without one. */
  takeOver?: TakeOver;
  log(line: string): void;
}

/** What Bun.serve gets once the connection was taken over: the front drops it. */
function takenOver(): Response {
  return new Response(null, { status: 204 });
}

function requireUpgrade(req: Request, supported: readonly string[]): string {
  if (!isWebSocketUpgrade(req)) {
    throw StatusError.badRequest(
      `this endpoint takes a websocket upgrade with one of the subprotocols ${supported.join(", ")}, or a SPDY/3.1 upgrade`,
    );
  }
  const chosen = offeredProtocols(req).find((p) => supported.includes(p));
  if (!chosen) {
    throw StatusError.badRequest(
      `none of the offered websocket subprotocols is supported; supported: ${supported.join(", ")}`,
    );
  }
  return chosen;
}

function upgrade(deps: StreamDeps, req: Request, protocol: string, open: KubeletSocketData["open"]): boolean {
  return deps.server.upgrade(req, { data: { open }, headers: { "Sec-WebSocket-Protocol": protocol } });
}

/** /exec/... and /attach/...: answers undefined once upgraded. */
export async function execOrAttach(
  deps: StreamDeps,
  req: Request,
  url: URL,
  kind: "exec" | "attach",
  namespace: string,
  podName: string,
  containerName: string,
): Promise<Response | undefined> {
  const command = url.searchParams.getAll("command");
  if (kind === "exec" && command.length === 0)
    throw StatusError.badRequest("you must specify at least 1 command");
  const stdin = queryBool(url, "stdin");
  const tty = queryBool(url, "tty");
  const { container } = await resolveContainer(deps.runtime, deps.pods(), namespace, podName, containerName);
  if (container.state !== "running") {
    throw StatusError.badRequest(`container "${containerName}" in pod "${podName}" is not running`);
  }
  const start = async (): Promise<ExecProcess> => {
    try {
      return kind === "exec"
        ? await deps.runtime.exec(container.id, command, { stdin, tty })
        : await deps.runtime.attach(container.id);
    } catch (err) {
      throw StatusError.internal(
        `${kind} in container "${containerName}" of pod "${podName}" failed: ${(err as Error).message}`,
      );
    }
  };
  if (isSpdyUpgrade(req)) {
    // Upstream's NewOptions: the streams are exactly those the query names; stderr never with a tty.
    const stdout = queryBool(url, "stdout");
    const stderr = queryBool(url, "stderr") && !tty;
    if (!stdin && !stdout && !stderr)
      throw StatusError.badRequest("you must specify at least 1 of stdin, stdout, stderr");
    const protocol = negotiateStreamProtocol(req, SPDY_EXEC_PROTOCOLS);
    const conn = acceptSpdyUpgrade(deps.takeOver, req, protocol);
    new SpdyExecSession({
      conn,
      protocol,
      stdin,
      stdout,
      stderr,
      tty,
      start,
      ...(kind === "exec" ? { command } : {}),
      abandoned: (p) => {
        if (kind === "exec") p.kill("SIGKILL");
      },
      log: deps.log,
    });
    return takenOver();
  }
  // Checked after the pod and container, so a plain request learns what is wrong, and starts nothing.
  const protocol = requireUpgrade(req, CHANNEL_PROTOCOLS) as ChannelProtocol;
  const proc = await start();
  const ok = upgrade(deps, req, protocol, (ws) => {
    const session: ExecSession = new ExecSession({
      socket: {
        send: (b) => {
          if (ws.sendBinary(b) === BACKPRESSURE) session.pause();
        },
        close: (code, reason) => ws.close(code, reason),
      },
      process: proc,
      protocol,
      ...(kind === "exec" ? { command } : {}),
      stdout: url.searchParams.get("stdout") !== "false",
      stderr: !tty && url.searchParams.get("stderr") !== "false",
    });
    void session.run();
    return {
      receive: (m) => session.receive(m),
      drain: () => session.resume(),
      closed: () => {
        session.clientClosed();
        // An exec whose client left is ended; an attach leaves the container running.
        if (kind === "exec") proc.kill("SIGKILL");
      },
    };
  });
  if (!ok) {
    if (kind === "exec") proc.kill("SIGKILL");
    throw StatusError.badRequest("the websocket upgrade failed");
  }
  return undefined;
}

/** /portForward/{namespace}/{pod}. */
export async function portForward(
  deps: StreamDeps,
  req: Request,
  namespace: string,
  podName: string,
): Promise<Response | undefined> {
  const { pod, sandbox } = await resolvePod(deps.runtime, deps.pods(), namespace, podName);
  if (sandbox?.state !== "ready" || !sandbox.ip) {
    throw StatusError.badRequest(`pod "${podName}" has no running sandbox to forward to`);
  }
  const forwardTo = {
    podIP: sandbox.ip,
    podName: `${namespace}/${podName}`,
    uid: pod.metadata?.uid ?? "",
    log: deps.log,
  };
  if (isSpdyUpgrade(req)) {
    const protocol = negotiateStreamProtocol(req, [PORT_FORWARD_SPDY_PROTOCOL]);
    const conn = acceptSpdyUpgrade(deps.takeOver, req, protocol);
    const session = new PortForwardSession({
      ...forwardTo,
      send: (b) => conn.write(b),
      close: () => conn.end(),
    });
    conn.start({
      data: (b) => session.receive(b),
      close: () => session.close(),
      pause: () => session.pause(),
      resume: () => session.resume(),
    });
    return takenOver();
  }
  const offered = isWebSocketUpgrade(req) ? offeredProtocols(req) : [];
  const tunnel = offered.find((p) => p === PORT_FORWARD_PROTOCOL || p === PORT_FORWARD_PROTOCOL_TOKEN);
  if (isWebSocketUpgrade(req) && !tunnel) {
    // The channel protocol; no subprotocol at all means its binary form, as upstream's "" config.
    const channelProtocol = offered.find((p) =>
      (PORT_FORWARD_CHANNEL_PROTOCOLS as readonly string[]).includes(p),
    );
    if (offered.length > 0 && !channelProtocol) {
      requireUpgrade(req, [
        PORT_FORWARD_PROTOCOL,
        PORT_FORWARD_PROTOCOL_TOKEN,
        ...PORT_FORWARD_CHANNEL_PROTOCOLS,
      ]);
    }
    const ports = portsOf(new URL(req.url));
    const ok = deps.server.upgrade(req, {
      data: {
        open: (ws) => {
          const session: PortForwardChannels = new PortForwardChannels({
            ...forwardTo,
            ports,
            binary: channelProtocol !== "v4.base64.channel.k8s.io",
            sendBinary: (b) => {
              if (ws.sendBinary(b) === BACKPRESSURE) session.pause();
            },
            sendText: (t) => {
              if (ws.sendText(t) === BACKPRESSURE) session.pause();
            },
            close: () => ws.close(1000),
          });
          session.open();
          return {
            receive: (m) => session.receive(m),
            drain: () => session.resume(),
            closed: () => session.clientClosed(),
          };
        },
      },
      ...(channelProtocol ? { headers: { "Sec-WebSocket-Protocol": channelProtocol } } : {}),
    });
    if (!ok) throw StatusError.badRequest("the websocket upgrade failed");
    return undefined;
  }
  const protocol = requireUpgrade(req, [PORT_FORWARD_PROTOCOL, PORT_FORWARD_PROTOCOL_TOKEN]);
  const ok = upgrade(deps, req, protocol, (ws) => {
    const session: PortForwardSession = new PortForwardSession({
      ...forwardTo,
      send: (b) => {
        if (ws.sendBinary(b) === BACKPRESSURE) session.pause();
      },
      close: () => ws.close(1011, "SPDY protocol error"),
    });
    return {
      receive: (m) => session.receive(m),
      drain: () => session.resume(),
      closed: () => session.close(),
    };
  });
  if (!ok) throw StatusError.badRequest("the websocket upgrade failed");
  return undefined;
}
