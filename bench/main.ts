// `make bench`: every benchmark of kube, printing its figures side by side with a peer where
// one exists. Figures belong here, never in timed unit tests. BENCH=etcd,apiserver,kubelet picks some.
import { benchApiserver } from "./apiserver.ts";
import { benchContainers } from "./containers.ts";
import { benchDashboard } from "./dashboard.ts";
import { benchDns } from "./dns.ts";
import { benchEtcd } from "./etcd.ts";
import { benchKubelet } from "./kubelet.ts";
import { benchProxy } from "./proxy.ts";
import { benchRootless } from "./rootless.ts";
import { benchScheduler } from "./scheduler.ts";
import { benchSelfHosting } from "./self-hosting.ts";
import { benchServer } from "./server.ts";

// Bun's fetch allows 256 connections at once by default; the watch fan-out holds 1000.
if (!process.env.BUN_CONFIG_MAX_HTTP_REQUESTS) {
  const child = Bun.spawn([process.execPath, ...process.argv.slice(1)], {
    env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: "4096" },
    stdio: ["inherit", "inherit", "inherit"],
  });
  process.exitCode = await child.exited;
} else {
  const only = (
    process.env.BENCH ??
    "etcd,apiserver,kubelet,scheduler,proxy,server,containers,self-hosting,dashboard,rootless"
  ).split(",");
  if (only.includes("etcd")) await benchEtcd();
  if (only.includes("apiserver")) await benchApiserver();
  if (only.includes("kubelet")) await benchKubelet();
  if (only.includes("scheduler")) await benchScheduler();
  if (only.includes("proxy")) await benchProxy();
  if (only.includes("dns")) await benchDns();
  if (only.includes("server")) await benchServer();
  if (only.includes("containers")) await benchContainers();
  if (only.includes("self-hosting")) await benchSelfHosting();
  if (only.includes("dashboard")) await benchDashboard();
  if (only.includes("rootless")) await benchRootless();
}
