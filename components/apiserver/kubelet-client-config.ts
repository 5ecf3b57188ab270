// The apiserver's client certificate for kubelets (--kubelet-client-certificate, --kubelet-client-key,
// --kubelet-certificate-authority; upstream pkg/kubelet/client KubeletClientConfig).

export interface KubeletClientConfig {
  /** The apiserver's client certificate and key for kubelets (system:masters or kubelet-api-admin). */
  certPem: string;
  keyPem: string;
  /** CA that signed the kubelets' serving certificates; absent: not verified, as upstream. */
  caPem?: string;
}
