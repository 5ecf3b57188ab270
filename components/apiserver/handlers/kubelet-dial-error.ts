// What the apiserver says when it cannot reach a kubelet, in upstream's words: Go's dial error
// text and the proxy's reason-less 500 (k8s.io/apimachinery pkg/util/proxy, ErrorResponder).
import { StatusError } from "../../../lib/errors/status-error.ts";

/**
 * Go's text for a failed dial (what users of upstream search for), e.g. a kubelet that listens on
 * 127.0.0.1 only while its node advertises another address: "dial tcp 10.0.0.5:10250: connect:
 * connection refused". Undefined when the error is not a dial failure.
 */
export function dialText(target: string, err: unknown): string | undefined {
  const code = (err as { code?: string }).code ?? "";
  const message = (err as Error).message ?? "";
  if (message.startsWith("dial tcp ")) return message;
  const host = new URL(target).host;
  if (code === "ECONNREFUSED" || code === "ConnectionRefused")
    return `dial tcp ${host}: connect: connection refused`;
  if (code === "ETIMEDOUT" || code === "TimeoutError" || code === "ConnectionTimedOut")
    return `dial tcp ${host}: i/o timeout`;
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return `dial tcp ${host}: connect: no route to host`;
  if (code === "EADDRNOTAVAIL") return `dial tcp ${host}: connect: cannot assign requested address`;
  return undefined;
}

/** Upstream's proxy error: a 500 without a reason, which kubectl prints as "Error from server: ...". */
export function backendError(err: unknown, target?: string): StatusError {
  const dial = target ? dialText(target, err) : undefined;
  return StatusError.of(500, "", `error dialing backend: ${dial ?? (err as Error).message}`);
}
