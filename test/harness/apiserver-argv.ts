// The argv of a `kube apiserver` process for tests and benches: embedded SQLite in `dataDir`,
// the plain-HTTP port on a free loopback port (what they drive with fetch and kubectl -s) and
// the secure port on a free loopback port, so two never clash; `extra` flags follow.
import { kubeBinary } from "./kube-binary.ts";

export function apiserverArgv(dataDir: string, ...extra: string[]): string[] {
  return [
    kubeBinary,
    "apiserver",
    "--data-dir",
    dataDir,
    "--insecure-port",
    "0",
    "--secure-port",
    "0",
    "--bind-address",
    "127.0.0.1",
    ...extra,
  ];
}
