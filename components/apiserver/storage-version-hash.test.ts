import { describe, expect, test } from "bun:test";
import { RESOURCES, type ResourceInfo } from "../../lib/api/resources.ts";
import { apiResourceList } from "./discovery.ts";
import { storageVersionHash } from "./storage-version-hash.ts";

interface Listed {
  name: string;
  storageVersionHash?: string;
}

function hashes(
  group: string,
  version: string,
  resources: ResourceInfo[] = RESOURCES,
): Map<string, string | undefined> {
  const list = apiResourceList(resources, group, version) as { resources: Listed[] };
  return new Map(list.resources.map((r) => [r.name, r.storageVersionHash]));
}

describe("storageVersionHash", () => {
  test("upstream's formula: base64 of sha256('<group>/<version>/<kind>')[:8]", () => {
    // Values a real v1.32 kube-apiserver serves.
    expect(storageVersionHash("", "v1", "Pod")).toBe("xPOwRZ+Yhw8=");
    expect(storageVersionHash("apps", "v1", "Deployment")).toBe("8aSe+NMegvE=");
    expect(storageVersionHash("", "v1", "Event")).toBe("r2yiGXH7wu8=");
    expect(storageVersionHash("", "v1", "")).toBe("");
  });

  test("every stored resource in /api/v1 and /apis/<g>/<v> has one; subresources and virtual resources do not", () => {
    const core = hashes("", "v1");
    expect(core.get("pods")).toBe("xPOwRZ+Yhw8=");
    expect(core.get("configmaps")).toBe("qFsyl6wFWjQ=");
    expect(core.get("pods/status")).toBeUndefined();
    expect(core.get("bindings")).toBeUndefined();
    expect(core.get("componentstatuses")).toBeUndefined();
    expect(hashes("apps", "v1").get("deployments")).toBe("8aSe+NMegvE=");
    expect(hashes("authentication.k8s.io", "v1").get("tokenreviews")).toBeUndefined();
    for (const r of RESOURCES.filter((x) => x.verbs.includes("watch"))) {
      expect(hashes(r.group, r.version).get(r.plural)).toMatch(/^[A-Za-z0-9+/]{11}=$/);
    }
  });

  test("the storage version decides: HPA v1 and v2 share autoscaling/v2's, events.k8s.io has core v1 Event's", () => {
    const v2 = storageVersionHash("autoscaling", "v2", "HorizontalPodAutoscaler");
    expect(hashes("autoscaling", "v1").get("horizontalpodautoscalers")).toBe(v2);
    expect(hashes("autoscaling", "v2").get("horizontalpodautoscalers")).toBe(v2);
    expect(hashes("events.k8s.io", "v1").get("events")).toBe("r2yiGXH7wu8=");
  });
});
