// The data path a proxy programs (upstream pkg/proxy Provider): given every service port with
// its endpoints, make the kernel (nftables) or the proxy itself (userspace) forward them.

import type { ServicePort } from "./service-ports.ts";

export type ProxyMode = "nftables" | "userspace";

export interface Proxier {
  readonly mode: ProxyMode;
  /** Where it programs: "table ip kube-proxy", "interface kube-proxy0". */
  readonly describe: string;
  /** Brings the data path to exactly `ports` (a full sync; never appends). Throws on failure. */
  sync(ports: readonly ServicePort[]): Promise<void>;
  /** Removes everything it made. Idempotent. */
  cleanup(): Promise<void>;
}
