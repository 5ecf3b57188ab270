// Errors leave the kubelet's server as Kubernetes Status JSON (the apiserver passes them on to
// kubectl, which prints `message`); anything that is not a StatusError is a 500.
import { StatusError } from "../../../lib/errors/status-error.ts";

export function statusResponse(err: unknown): Response {
  const status =
    err instanceof StatusError
      ? err.status
      : StatusError.internal(String((err as Error)?.message ?? err)).status;
  return new Response(JSON.stringify(status), {
    status: status.code,
    headers: { "Content-Type": "application/json" },
  });
}

/** Go's strconv.ParseBool, which upstream uses for query flags. */
export function queryBool(url: URL, name: string): boolean {
  const v = url.searchParams.get(name);
  return v !== null && ["1", "t", "T", "true", "TRUE", "True"].includes(v);
}
