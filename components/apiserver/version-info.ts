// The /version document (upstream's version.Info). kubectl's dispatcher picks the kubectl
// binary from `minor`, so it must be exactly "32" (wire spec §0).
import { kubernetesVersion, kubeVersion } from "../../lib/version.ts";

export function versionInfo(): Record<string, string> {
  return {
    major: kubernetesVersion.major,
    minor: kubernetesVersion.minor,
    emulationMajor: kubernetesVersion.major,
    emulationMinor: kubernetesVersion.minor,
    minCompatibilityMajor: kubernetesVersion.major,
    minCompatibilityMinor: String(Number(kubernetesVersion.minor) - 1),
    gitVersion: `${kubernetesVersion.gitVersion}+kube`,
    gitCommit: kubeVersion,
    gitTreeState: "clean",
    buildDate: "1970-01-01T00:00:00Z",
    goVersion: `bun${typeof Bun === "undefined" ? "" : Bun.version}`,
    compiler: "bun",
    platform: `${process.platform}/${process.arch === "x64" ? "amd64" : process.arch}`,
  };
}
