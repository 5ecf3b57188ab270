// `make bench`: every benchmark of kube, printing its figures side by side with a peer where
// one exists. Figures belong here, never in timed unit tests.
import { benchEtcd } from "./etcd.ts";

await benchEtcd();
