// A resolv.conf as seen from rootless kube's network namespace: its loopback is not the host's,
// so a nameserver on 127.0.0.1 becomes slirp4netns's alias of the host's 127.0.0.1 (10.0.2.2),
// and any other loopback resolver (systemd-resolved's 127.0.0.53, ::1) slirp's DNS forwarder.

import { SLIRP_DNS, SLIRP_HOST_LOOPBACK } from "./slirp-network.ts";

export function rewriteResolvConf(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const m = line.match(/^(\s*nameserver\s+)(\S+)(.*)$/);
      if (!m) return line;
      const [, head, address, tail] = m as unknown as [string, string, string, string];
      if (address === "127.0.0.1") return `${head}${SLIRP_HOST_LOOPBACK}${tail}`;
      if (address.startsWith("127.") || address === "::1") return `${head}${SLIRP_DNS}${tail}`;
      return line;
    })
    .join("\n");
}
