// `--kubeconfig` and `--master` as upstream components read them: --master wins, else the
// kubeconfig's server; one of them is required (a usage error names both).

import { ApiClient } from "../lib/client/api-client.ts";
import { kubeconfigServer, normalizeServer } from "../lib/client/kubeconfig.ts";
import { UsageError } from "./usage-error.ts";

export function apiClientFromFlags(
  args: { kubeconfig?: string; master?: string },
  userAgent: string,
): ApiClient {
  const server = args.master
    ? normalizeServer(args.master)
    : args.kubeconfig
      ? kubeconfigServer(args.kubeconfig)
      : undefined;
  if (!server)
    throw new UsageError("no API server: give --master http://127.0.0.1:8080 or --kubeconfig <file>");
  return new ApiClient({ server, userAgent });
}
