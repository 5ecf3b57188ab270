// The protobuf schema of the Kubernetes kinds kube decodes (assets/k8s-proto/*.proto), embedded in
// the binary as text and parsed on first use only, so startup never pays for it.
import { parse, Root } from "protobufjs";
import apps from "../../../assets/k8s-proto/apps.proto" with { type: "text" };
import authentication from "../../../assets/k8s-proto/authentication.proto" with { type: "text" };
import authorization from "../../../assets/k8s-proto/authorization.proto" with { type: "text" };
import autoscalingV1 from "../../../assets/k8s-proto/autoscaling-v1.proto" with { type: "text" };
import autoscalingV2 from "../../../assets/k8s-proto/autoscaling-v2.proto" with { type: "text" };
import batch from "../../../assets/k8s-proto/batch.proto" with { type: "text" };
import certificates from "../../../assets/k8s-proto/certificates.proto" with { type: "text" };
import core from "../../../assets/k8s-proto/core.proto" with { type: "text" };
import intstr from "../../../assets/k8s-proto/intstr.proto" with { type: "text" };
import meta from "../../../assets/k8s-proto/meta.proto" with { type: "text" };
import networking from "../../../assets/k8s-proto/networking.proto" with { type: "text" };
import policy from "../../../assets/k8s-proto/policy.proto" with { type: "text" };
import rbac from "../../../assets/k8s-proto/rbac.proto" with { type: "text" };
import resource from "../../../assets/k8s-proto/resource.proto" with { type: "text" };
import runtime from "../../../assets/k8s-proto/runtime.proto" with { type: "text" };
import scheduling from "../../../assets/k8s-proto/scheduling.proto" with { type: "text" };

const sources = [
  runtime,
  meta,
  resource,
  intstr,
  core,
  apps,
  batch,
  autoscalingV1,
  autoscalingV2,
  policy,
  authentication,
  authorization,
  rbac,
  scheduling,
  networking,
  certificates,
];

let cached: Root | undefined;

/** All Kubernetes messages in one resolved root; field names kept exactly as in the .proto files. */
export function kubernetesProtoRoot(): Root {
  if (cached) return cached;
  const root = new Root();
  for (const source of sources) parse(source, root, { keepCase: true });
  root.resolveAll();
  cached = root;
  return root;
}
