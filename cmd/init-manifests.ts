// The static pod manifests `kube init` writes (kubeadm's control-plane and etcd phases,
// cmd/kubeadm/app/phases/controlplane/manifests.go): etcd, apiserver, controller manager and
// scheduler, each image `kube` on the host network, the PKI and kubeconfigs as hostPath mounts.

import type { Container, Pod, Volume, VolumeMount } from "kubernetes-types/core/v1";

export interface InitLayout {
  /** The --dir: kubeconfigs here, certificates in <dir>/pki, manifests in <dir>/manifests. */
  dir: string;
  pkiDir: string;
  etcdDataDir: string;
  etcdPort: number;
  securePort: number;
  /** Where the apiserver listens (and kubeconfigs point). */
  bindAddress: string;
  advertiseAddress: string;
  serviceCidr: string;
  /** kubeadm's --pod-network-cidr: the controller manager allocates node CIDRs from it. */
  podNetworkCidr?: string;
  image: string;
}

function hostPathVolume(name: string, path: string): { volume: Volume; mount: VolumeMount } {
  return {
    volume: { name, hostPath: { path, type: "DirectoryOrCreate" } },
    mount: { name, mountPath: path },
  };
}

/** A kubeadm-style control-plane static pod: one container, host network, the given mounts. */
function staticPod(
  component: string,
  container: Pick<Container, "command">,
  mounts: { volume: Volume; mount: VolumeMount }[],
  image: string,
): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: component,
      namespace: "kube-system",
      labels: { component, tier: "control-plane" },
    },
    spec: {
      hostNetwork: true,
      containers: [
        {
          name: component,
          image,
          imagePullPolicy: "IfNotPresent",
          ...container,
          volumeMounts: mounts.map((m) => m.mount),
        },
      ],
      volumes: mounts.map((m) => m.volume),
    },
  };
}

export function etcdManifest(l: InitLayout): Pod {
  const url = `http://127.0.0.1:${l.etcdPort}`;
  return staticPod(
    "etcd",
    {
      command: [
        "kube",
        "etcd",
        "--name=default",
        `--data-dir=${l.etcdDataDir}`,
        `--listen-client-urls=${url}`,
        `--advertise-client-urls=${url}`,
      ],
    },
    [hostPathVolume("etcd-data", l.etcdDataDir)],
    l.image,
  );
}

export function apiserverManifest(l: InitLayout): Pod {
  const pki = l.pkiDir;
  return staticPod(
    "kube-apiserver",
    {
      command: [
        "kube",
        "apiserver",
        `--advertise-address=${l.advertiseAddress}`,
        `--bind-address=${l.bindAddress}`,
        `--secure-port=${l.securePort}`,
        `--etcd-servers=http://127.0.0.1:${l.etcdPort}`,
        `--service-cluster-ip-range=${l.serviceCidr}`,
        "--authorization-mode=Node,RBAC",
        `--client-ca-file=${pki}/ca.crt`,
        `--tls-cert-file=${pki}/server.crt`,
        `--tls-private-key-file=${pki}/server.key`,
        `--kubelet-client-certificate=${pki}/apiserver-kubelet-client.crt`,
        `--kubelet-client-key=${pki}/apiserver-kubelet-client.key`,
        `--service-account-key-file=${pki}/service-account.pub`,
        `--service-account-signing-key-file=${pki}/service-account.key`,
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--cert-dir=${pki}`,
      ],
    },
    [hostPathVolume("k8s-certs", pki)],
    l.image,
  );
}

export function controllerManagerManifest(l: InitLayout): Pod {
  const pki = l.pkiDir;
  return staticPod(
    "kube-controller-manager",
    {
      command: [
        "kube",
        "controller-manager",
        `--kubeconfig=${l.dir}/controller-manager.conf`,
        "--leader-elect=true",
        `--root-ca-file=${pki}/ca.crt`,
        `--service-account-private-key-file=${pki}/service-account.key`,
        ...(l.podNetworkCidr ? ["--allocate-node-cidrs=true", `--cluster-cidr=${l.podNetworkCidr}`] : []),
      ],
    },
    [hostPathVolume("k8s-certs", pki), hostPathVolume("kubeconfig", l.dir)],
    l.image,
  );
}

export function schedulerManifest(l: InitLayout): Pod {
  return staticPod(
    "kube-scheduler",
    { command: ["kube", "scheduler", `--kubeconfig=${l.dir}/scheduler.conf`, "--leader-elect=true"] },
    [hostPathVolume("kubeconfig", l.dir)],
    l.image,
  );
}
