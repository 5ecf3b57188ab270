// The pods/ephemeralcontainers subresource (what `kubectl debug` writes): only
// spec.ephemeralContainers changes, existing ones may be neither removed nor changed, static pods
// take none. Upstream: pkg/registry/core/pod/strategy.go podEphemeralContainersStrategy and
// pkg/apis/core/validation ValidatePodEphemeralContainersUpdate.
import { type StatusCause, StatusError } from "../../../lib/errors/status-error.ts";
import { defaultPodSpec } from "../defaults/pod-spec-defaults.ts";
import type { KObject, Stored } from "../registry/object.ts";
import { forbidden } from "../validation/field-errors.ts";
import { isObject, type JsonObject, jsonEqual, list } from "../validation/json.ts";

const MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

/** The pod to store: `old` with the ephemeral containers of `next` (defaulted); throws 422. */
export function ephemeralContainersUpdate(next: KObject, old: Stored): KObject {
  const out = structuredClone(old) as KObject;
  const spec: JsonObject = isObject(out.spec) ? out.spec : {};
  const wanted = isObject(next.spec) ? next.spec.ephemeralContainers : undefined;
  if (wanted === undefined || wanted === null) delete spec.ephemeralContainers;
  else spec.ephemeralContainers = structuredClone(wanted);
  defaultPodSpec(spec);
  out.spec = spec;
  const name = old.metadata.name ?? "";
  if (old.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined)
    throw StatusError.invalid({ group: "", kind: "Pod" }, name, [
      forbidden("", "static pods do not support ephemeral containers"),
    ]);
  const problems: StatusCause[] = [];
  const byName = new Map<string, unknown>();
  for (const c of list(spec, "ephemeralContainers")) if (isObject(c)) byName.set(String(c.name), c);
  for (const before of list(old.spec, "ephemeralContainers")) {
    if (!isObject(before)) continue;
    const now = byName.get(String(before.name));
    if (now === undefined)
      problems.push(
        forbidden(
          "spec.ephemeralContainers",
          `existing ephemeral containers "${before.name}" may not be removed\n`,
        ),
      );
    else if (!jsonEqual(now, before))
      problems.push(
        forbidden(
          "spec.ephemeralContainers",
          `existing ephemeral containers "${before.name}" may not be changed\n`,
        ),
      );
  }
  if (problems.length > 0) throw StatusError.invalid({ group: "", kind: "Pod" }, name, problems);
  return out;
}
