// The object actions, each an ordinary API request as the session's user: scale (the scale
// subresource), rollout restart (kubectl's restartedAt annotation) and undo (the previous
// ReplicaSet's template, as kubectl rollout undo), cordon/uncordon/drain (evictions), delete
// with a propagation policy. A refusal throws the API's Status.
import { ApiError, apiJson, type Session } from "./api-session.ts";
import { type KubeList, type KubeObject, rec, str } from "./kube-object.ts";
import { apiPath, type ResourceRef } from "./resource-kinds.ts";

export interface ActionInput {
  ref: ResourceRef;
  namespace: string | undefined;
  name: string;
  form: Record<string, string>;
}

const MERGE = { "Content-Type": "application/merge-patch+json" };
const JSON_PATCH = { "Content-Type": "application/json-patch+json" };

/** Runs `verb`; returns where the browser goes next (a path under the dashboard). */
export async function runAction(s: Session, verb: string, a: ActionInput): Promise<"object" | "list"> {
  const path = apiPath(a.ref, a.namespace, a.name);
  const patch = (body: unknown, sub = "", headers: Record<string, string> = MERGE) =>
    apiJson<KubeObject>(s, `${path}${sub}`, { method: "PATCH", headers, body: JSON.stringify(body) });
  switch (verb) {
    case "scale": {
      const replicas = Number(a.form.replicas);
      if (!Number.isInteger(replicas) || replicas < 0)
        throw new ApiError(
          422,
          `invalid replicas "${a.form.replicas ?? ""}": must be a whole number, 0 or more`,
          "Invalid",
        );
      await patch({ spec: { replicas } }, "/scale");
      return "object";
    }
    case "restart":
      await patch({
        spec: {
          template: {
            metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": new Date().toISOString() } },
          },
        },
      });
      return "object";
    case "undo":
      await undo(s, a, patch);
      return "object";
    case "cordon":
    case "uncordon":
      await patch({ spec: { unschedulable: verb === "cordon" ? true : null } });
      return "object";
    case "drain":
      await patch({ spec: { unschedulable: true } });
      await drain(s, a.name);
      return "object";
    case "delete": {
      const policy = a.form.propagationPolicy ?? "Background";
      await apiJson(s, path, {
        method: "DELETE",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: policy }),
      });
      return "list";
    }
    default:
      throw new ApiError(404, `unknown action "${verb}"`, "NotFound");
  }
}

async function undo(
  s: Session,
  a: ActionInput,
  patch: (body: unknown, sub?: string, headers?: Record<string, string>) => Promise<KubeObject>,
): Promise<void> {
  const dep = await apiJson<KubeObject>(s, apiPath(a.ref, a.namespace, a.name));
  const rss = await apiJson<KubeList>(
    s,
    `/apis/apps/v1/namespaces/${encodeURIComponent(a.namespace ?? "")}/replicasets`,
  );
  const revision = (o: KubeObject) =>
    Number(o.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? 0);
  const owned = rss.items
    .filter((rs) => rs.metadata.ownerReferences?.some((o) => o.uid === dep.metadata.uid))
    .sort((x, y) => revision(y) - revision(x));
  const previous = owned[1];
  if (!previous) throw new ApiError(400, `no rollout history found for deployment "${a.name}"`, "BadRequest");
  const template = structuredClone(rec(previous.spec?.template));
  const labels = rec(rec(template.metadata).labels);
  delete labels["pod-template-hash"];
  await patch([{ op: "replace", path: "/spec/template", value: template }], "", JSON_PATCH);
}

async function drain(s: Session, node: string): Promise<void> {
  const pods = await apiJson<KubeList>(
    s,
    `/api/v1/pods?fieldSelector=spec.nodeName%3D${encodeURIComponent(node)}`,
  );
  for (const pod of pods.items) {
    const owners = pod.metadata.ownerReferences ?? [];
    if (owners.some((o) => o.kind === "DaemonSet")) continue;
    if (pod.metadata.annotations?.["kubernetes.io/config.mirror"]) continue;
    if (str(pod.status?.phase) === "Succeeded" || str(pod.status?.phase) === "Failed") continue;
    const ns = pod.metadata.namespace ?? "default";
    const name = pod.metadata.name ?? "";
    await apiJson(
      s,
      `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}/eviction`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          apiVersion: "policy/v1",
          kind: "Eviction",
          metadata: { name, namespace: ns },
        }),
      },
    );
  }
}
