// `--kubeconfig` and `--master` as upstream components read them: --master overrides the
// kubeconfig's server, the kubeconfig gives the CA and credentials; one of them is required
// (a usage error names both). --master may list several apiservers of one cluster, comma
// separated (as the old kubelet's --api-servers did): the client fails over between them.

import { ApiClient } from "../lib/client/api-client.ts";
import { type ClientConfig, loadKubeconfig, normalizeServer } from "../lib/client/kubeconfig.ts";
import { UsageError } from "./usage-error.ts";

/** The server and credentials the flags name (kubeconfig first, then --master over its server). */
export function clientConfigFromFlags(args: { kubeconfig?: string; master?: string }): ClientConfig {
  const fromFile = args.kubeconfig ? loadKubeconfig(args.kubeconfig) : undefined;
  if (args.master) {
    const [server, ...failover] = parseServerList(args.master);
    if (!server)
      throw new UsageError(
        `--master ${JSON.stringify(args.master)} names no server: give a URL such as https://127.0.0.1:6443`,
      );
    return { ...(fromFile ?? {}), server, ...(failover.length > 0 ? { failover } : {}) };
  }
  if (fromFile) return fromFile;
  throw new UsageError("no API server: give --master https://127.0.0.1:6443 or --kubeconfig <file>");
}

/** `a,b,c` → normalized URLs, empty entries dropped. */
export function parseServerList(value: string): string[] {
  return value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map(normalizeServer);
}

export function apiClientFor(config: ClientConfig, userAgent: string): ApiClient {
  const secure = config.server.startsWith("https://");
  return new ApiClient({
    server: config.server,
    ...(config.failover ? { failover: config.failover } : {}),
    userAgent,
    ...(config.token ? { token: config.token } : {}),
    ...(secure
      ? {
          tls: {
            ...(config.caPem ? { caPem: config.caPem } : {}),
            ...(config.certPem ? { certPem: config.certPem } : {}),
            ...(config.keyPem ? { keyPem: config.keyPem } : {}),
            ...(config.tlsServerName ? { serverName: config.tlsServerName } : {}),
            verify: config.insecureSkipTlsVerify !== true,
          },
        }
      : {}),
  });
}

export function apiClientFromFlags(
  args: { kubeconfig?: string; master?: string },
  userAgent: string,
): ApiClient {
  return apiClientFor(clientConfigFromFlags(args), userAgent);
}
