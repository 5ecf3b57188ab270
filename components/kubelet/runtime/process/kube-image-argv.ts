// The kube image's commands, as the hyperkube image answered them: `/hyperkube apiserver ...`,
// `/kube apiserver`, `kube apiserver`, `hyperkube apiserver` and the upstream binary names
// (`kube-apiserver ...`, kubeadm's manifests) all run this kube executable (cmd/main.ts multicall).

import { basename } from "node:path";
import { imageNameCandidates } from "../../images/image-name-candidates.ts";

/** argv[0] names that are kube itself, followed by a subcommand. */
const KUBE_NAMES = new Set(["kube", "hyperkube"]);

/** argv[0] names that are one component (hyperkube's symlinks; kubeadm's images' commands). */
const COMPONENT_NAMES: Record<string, string> = {
  "kube-apiserver": "apiserver",
  "kube-controller-manager": "controller-manager",
  "kube-scheduler": "scheduler",
  "kube-proxy": "proxy",
  kubelet: "kubelet",
};

/** True for the embedded kube image under any of its names (`kube`, `hyperkube`, gcr.io's ...). */
export function isKubeImage(image: string): boolean {
  return imageNameCandidates(image).includes("kube");
}

/**
 * The argv to run for a container of the kube image: argv[0] naming kube or one of its
 * components becomes `kubeExecutable` (plus the component); other argvs are returned unchanged.
 */
export function kubeImageArgv(image: string, argv: string[], kubeExecutable: string[]): string[] {
  const [first, ...rest] = argv;
  if (first === undefined || kubeExecutable.length === 0 || !isKubeImage(image)) return argv;
  const name = basename(first);
  if (KUBE_NAMES.has(name)) return [...kubeExecutable, ...rest];
  const component = COMPONENT_NAMES[name];
  if (component !== undefined) return [...kubeExecutable, component, ...rest];
  return argv;
}
