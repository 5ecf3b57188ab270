// How the apiserver talks to kubelets (upstream's --kubelet-client-certificate, --kubelet-client-key,
// --kubelet-certificate-authority; pkg/kubelet/client/kubelet_client.go): https with the
// apiserver's client certificate, the kubelet's serving certificate verified against the CA when
// one is given (upstream skips the check without it). Without a configuration: plain http.

export type { KubeletClientConfig } from "../kubelet-client-config.ts";

import type { KubeletClientConfig } from "../kubelet-client-config.ts";

/** Where the configuration lives: the ApiContext (structurally; importing it would be a cycle). */
type KubeletClientHolder = { kubeletClient?: KubeletClientConfig | undefined };

type TlsOptions = { cert: string; key: string; ca?: string; rejectUnauthorized: boolean };

function tlsOf(config: KubeletClientConfig): TlsOptions {
  return {
    cert: config.certPem,
    key: config.keyPem,
    ...(config.caPem === undefined ? {} : { ca: config.caPem }),
    rejectUnauthorized: config.caPem !== undefined,
  };
}

/** The TLS options of a raw connection to a kubelet (the SPDY upgrade relay); undefined without a configuration. */
export function kubeletTls(ctx: KubeletClientHolder): TlsOptions | undefined {
  return ctx.kubeletClient ? tlsOf(ctx.kubeletClient) : undefined;
}

/** "https" when the apiserver has a kubelet client certificate, else "http" (older setups). */
export function kubeletScheme(ctx: KubeletClientHolder): "http" | "https" {
  return ctx.kubeletClient ? "https" : "http";
}

/** fetch to a kubelet URL, presenting the client certificate when configured. */
export function kubeletFetch(
  ctx: KubeletClientHolder,
  url: string,
  init: RequestInit = {},
): Promise<Response> {
  const config = ctx.kubeletClient;
  return fetch(url, config && url.startsWith("https:") ? { ...init, tls: tlsOf(config) } : init);
}

/** A websocket to a kubelet URL (ws:// or wss://), presenting the client certificate when configured. */
export function kubeletWebSocket(ctx: KubeletClientHolder, url: string, protocols: string[]): WebSocket {
  const config = ctx.kubeletClient;
  if (config && url.startsWith("wss:")) return new WebSocket(url, { protocols, tls: tlsOf(config) });
  return new WebSocket(url, protocols);
}
