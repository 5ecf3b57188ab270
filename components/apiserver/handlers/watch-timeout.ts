// How long the server keeps a watch open: the client's timeoutSeconds, else a random time
// between one and two --min-request-timeout (1800 s by default) so that watches reconnect spread
// out; `?timeout=` (the client's --request-timeout) is ignored for watches, as upstream does.
// Upstream: apiserver pkg/endpoints/handlers/get.go ListResource.

/** kube-apiserver's --min-request-timeout default, in seconds. */
export const MIN_REQUEST_TIMEOUT_SECONDS = 1800;

/** Milliseconds until the server ends the watch cleanly; 0 never. */
export function watchTimeoutMs(
  timeoutSeconds: number,
  minRequestTimeoutSeconds = MIN_REQUEST_TIMEOUT_SECONDS,
  random: () => number = Math.random,
): number {
  if (timeoutSeconds > 0) return timeoutSeconds * 1000;
  if (minRequestTimeoutSeconds > 0) return Math.round(minRequestTimeoutSeconds * (random() + 1) * 1000);
  return 0;
}
