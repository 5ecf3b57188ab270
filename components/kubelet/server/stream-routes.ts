// The kubelet's streaming endpoints (pkg/kubelet/server/server.go): /exec and /attach
// ({namespace}/{pod}/{container}) with the channel protocol, /portForward/{namespace}/{pod} with
// SPDY inside the websocket. Everything is checked, and the process started, before the
// upgrade, so a bad request is an ordinary HTTP error with a Status.
import type { Server } from "bun";
import type { Pod } from "kubernetes-types/core/v1";
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ExecProcess, Runtime } from "../runtime/runtime.ts";
import { CHANNEL_PROTOCOLS, type ChannelProtocol, ExecSession } from "./exec-session.ts";
import { resolveContainer, resolvePod } from "./pod-resolver.ts";
import { PortForwardSession } from "./port-forward-session.ts";
import { isWebSocketUpgrade, type KubeletSocketData, offeredProtocols } from "./socket-handler.ts";
import { queryBool } from "./status-response.ts";

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
  log(line: string): void;
}

function requireUpgrade(req: Request, supported: readonly string[]): string {
  if (!isWebSocketUpgrade(req)) {
    throw StatusError.badRequest(
      `this endpoint takes a websocket upgrade with one of the subprotocols ${supported.join(", ")} (SPDY/3.1 upgrades are not served)`,
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
  // Checked after the pod and container, so a plain request learns what is wrong, and starts nothing.
  const protocol = requireUpgrade(req, CHANNEL_PROTOCOLS) as ChannelProtocol;
  let proc: ExecProcess;
  try {
    proc =
      kind === "exec"
        ? await deps.runtime.exec(container.id, command, { stdin, tty })
        : await deps.runtime.attach(container.id);
  } catch (err) {
    throw StatusError.internal(
      `${kind} in container "${containerName}" of pod "${podName}" failed: ${(err as Error).message}`,
    );
  }
  const ok = upgrade(deps, req, protocol, (ws) => {
    const session = new ExecSession({
      socket: { send: (b) => ws.sendBinary(b), close: (code, reason) => ws.close(code, reason) },
      process: proc,
      protocol,
      ...(kind === "exec" ? { command } : {}),
      stdout: url.searchParams.get("stdout") !== "false",
      stderr: !tty && url.searchParams.get("stderr") !== "false",
    });
    void session.run();
    return {
      receive: (m) => session.receive(m),
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
  const protocol = requireUpgrade(req, [PORT_FORWARD_PROTOCOL, PORT_FORWARD_PROTOCOL_TOKEN]);
  const ok = upgrade(deps, req, protocol, (ws) => {
    const session = new PortForwardSession({
      podIP: sandbox.ip,
      podName: `${namespace}/${podName}`,
      uid: pod.metadata?.uid ?? "",
      send: (b) => ws.sendBinary(b),
      close: () => ws.close(1011, "SPDY protocol error"),
      log: deps.log,
    });
    return { receive: (m) => session.receive(m), closed: () => session.close() };
  });
  if (!ok) throw StatusError.badRequest("the websocket upgrade failed");
  return undefined;
}
