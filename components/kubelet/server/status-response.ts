// Query-string helpers of the kubelet's server (errors are rendered by
// lib/errors/status-response.ts, shared with the apiserver).

/** Go's strconv.ParseBool, which upstream uses for query flags. */
export function queryBool(url: URL, name: string): boolean {
  const v = url.searchParams.get(name);
  return v !== null && ["1", "t", "T", "true", "TRUE", "True"].includes(v);
}
