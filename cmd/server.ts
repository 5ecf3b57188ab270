// `kube server`: the all-in-one composition root (k3s's server). It starts every component in
// order, each ready before the next, and stops them in reverse on Ctrl-C. Today: the SQLite
// store and its etcd v3 front; each later issue adds its component here.

import { join, resolve } from "node:path";
import { defaultDataDir, defaultDataDirHelp } from "./default-data-dir.ts";
import { etcdStarters } from "./etcd-starters.ts";
import { parseUrlList } from "./flag-values.ts";
import { defineKubeCommand } from "./kube-command.ts";
import { supervise } from "./supervise.ts";

export interface ServerOptions {
  dataDir: string;
  listenClientUrls: string[];
  fsync: boolean;
}

/** Components still to come, with the issue that adds each one to `kube server`. */
const notYet =
  "apiserver (issue 3), kubelet (issue 4), scheduler and controller-manager (issue 5), proxy (issue 6)";

function runServer(options: ServerOptions): Promise<number> {
  const storeDir = join(options.dataDir, "db");
  const stack = etcdStarters({
    dataDir: storeDir,
    fsync: options.fsync,
    listenClientUrls: options.listenClientUrls,
  });
  const log = (line: string): void => console.error(`kube server: ${line}`);
  log(`data in ${options.dataDir}`);
  return supervise({
    prog: "kube server",
    starters: stack.starters,
    onReady: () => {
      const urls = stack.urls().join(",");
      log(
        `store: SQLite in ${storeDir} (${options.fsync ? "fsync on every commit" : "survives a process crash"})`,
      );
      const hostPorts = stack
        .urls()
        .map((url) => url.replace(/^http:\/\//, ""))
        .join(",");
      log(`etcd: etcd v3 API on ${urls}; try: etcdctl --endpoints=${hostPorts} endpoint status`);
      log(`not running yet: ${notYet}`);
      log("ready; Ctrl-C stops everything");
    },
  });
}

export const serverCommand = defineKubeCommand({
  name: "server",
  description: "All of the above in one process, embedded SQLite, one command",
  args: {
    "data-dir": {
      type: "string",
      description: `Directory for all of kube's state (default: ${defaultDataDirHelp()})`,
    },
    "listen-client-urls": {
      type: "string",
      description: "Comma-separated http:// (or unix://) URLs for the etcd v3 API; port 0 picks a free port",
      default: "http://127.0.0.1:2379",
    },
    fsync: {
      type: "boolean",
      description:
        "fsync every commit (power-loss durability); default: no acknowledged write lost on a crash",
    },
  },
  run: (args) =>
    runServer({
      dataDir: resolve(args["data-dir"] ?? defaultDataDir()),
      listenClientUrls: parseUrlList("listen-client-urls", args["listen-client-urls"]),
      fsync: args.fsync === true,
    }),
});
