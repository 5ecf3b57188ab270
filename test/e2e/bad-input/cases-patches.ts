// Bad patches of each type (JSON, merge, strategic merge, apply): upstream applies the patch,
// then decodes the result into the typed object (422 naming `patch` for a type error), refuses
// a rename (400 checkName), and types apply bodies with structured-merge-diff (400).
import { APPS, type BadInputCase, NS, patch, send } from "./bad-input-case.ts";

const KEEP = `${NS}/configmaps/keep`;
const WEB = `${APPS}/deployments/web`;
const JSONP = "application/json-patch+json";
const MERGE = "application/merge-patch+json";
const SMP = "application/strategic-merge-patch+json";
const APPLY = "application/apply-patch+yaml";

const invalidPatch = (detail: string | RegExp): RegExp =>
  new RegExp(
    `^ "" is invalid: patch: Invalid value: .*: ${typeof detail === "string" ? escapeRegExp(detail) : detail.source}$`,
    "s",
  );
function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
const c = (
  name: string,
  code: number,
  reason: string,
  run: BadInputCase["send"],
  message?: string | RegExp,
) => ({
  name,
  send: run,
  code,
  reason,
  ...(message === undefined ? {} : { message }),
});
const applyBody = (extra: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\n${extra}`;
const typed = (s: string) => `failed to create typed patch object (/v1, Kind=ConfigMap): ${s}`;

export const PATCH_CASES: BadInputCase[] = [
  // JSON patch
  c("json: malformed", 400, "BadRequest", (t) => patch(t.api, KEEP, JSONP, "[{")),
  c("json: an object, not a list", 422, "Invalid", (t) => patch(t.api, KEEP, JSONP, {})),
  c("json: an unknown op", 422, "Invalid", (t) => patch(t.api, KEEP, JSONP, [{ op: "frob", path: "/data" }])),
  c("json: remove of a missing key", 422, "Invalid", (t) =>
    patch(t.api, KEEP, JSONP, [{ op: "remove", path: "/data/zz" }]),
  ),
  c("json: a failing test op", 422, "Invalid", (t) =>
    patch(t.api, KEEP, JSONP, [{ op: "test", path: "/data/a", value: "2" }]),
  ),
  c(
    "json: replace /metadata/name",
    400,
    "BadRequest",
    (t) => patch(t.api, KEEP, JSONP, [{ op: "replace", path: "/metadata/name", value: "other" }]),
    "the name of the object (other) does not match the name on the URL (keep)",
  ),
  c(
    "json: replace /metadata/namespace",
    400,
    "BadRequest",
    (t) => patch(t.api, KEEP, JSONP, [{ op: "replace", path: "/metadata/namespace", value: "kube-system" }]),
    /does not match the namespace/,
  ),
  c(
    "json: labels become a string",
    422,
    "Invalid",
    (t) => patch(t.api, KEEP, JSONP, [{ op: "add", path: "/metadata/labels", value: "s" }]),
    invalidPatch(
      "json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string",
    ),
  ),
  c(
    "json: replicas past int32",
    422,
    "Invalid",
    (t) => patch(t.api, WEB, JSONP, [{ op: "replace", path: "/spec/replicas", value: 1099511627776 }]),
    invalidPatch(
      "json: cannot unmarshal number 1099511627776 into Go struct field DeploymentSpec.spec.replicas of type int32",
    ),
  ),
  c("json: nested 20000 levels", 400, "BadRequest", (t) =>
    patch(
      t.api,
      KEEP,
      JSONP,
      `[{"op":"add","path":"/data/x","value":${"[".repeat(20_000)}${"]".repeat(20_000)}}]`,
    ),
  ),
  // merge patch
  c("merge: malformed", 400, "BadRequest", (t) => patch(t.api, KEEP, MERGE, "{")),
  c(
    "merge: labels become a string",
    422,
    "Invalid",
    (t) => patch(t.api, KEEP, MERGE, { metadata: { labels: "s" } }),
    invalidPatch(
      "json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string",
    ),
  ),
  c(
    "merge: data values become numbers",
    422,
    "Invalid",
    (t) => patch(t.api, KEEP, MERGE, { data: { a: 1 } }),
    invalidPatch("json: cannot unmarshal number into Go struct field ConfigMap.data of type string"),
  ),
  c(
    "merge: replicas as a string",
    422,
    "Invalid",
    (t) => patch(t.api, WEB, MERGE, { spec: { replicas: "5" } }),
    invalidPatch(
      "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
    ),
  ),
  c(
    "merge: rename",
    400,
    "BadRequest",
    (t) => patch(t.api, KEEP, MERGE, { metadata: { name: "renamed" } }),
    "the name of the object (renamed) does not match the name on the URL (keep)",
  ),
  c(
    "merge: Strict and an unknown field",
    422,
    "Invalid",
    (t) => patch(t.api, `${KEEP}?fieldValidation=Strict`, MERGE, { spec: { x: 1 } }),
    invalidPatch('strict decoding error: unknown field "spec"'),
  ),
  c("merge: nested 10001 levels", 400, "BadRequest", (t) =>
    patch(t.api, KEEP, MERGE, `{"data":${"[".repeat(10_001)}${"]".repeat(10_001)}}`),
  ),
  c("merge: a patch of a missing object", 404, "NotFound", (t) =>
    patch(t.api, `${NS}/configmaps/nope`, MERGE, {}),
  ),
  c(
    "merge: force on a non-apply patch",
    422,
    "Invalid",
    (t) => patch(t.api, `${KEEP}?force=true`, MERGE, {}),
    'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
  ),
  // strategic merge patch
  c("strategic: malformed", 400, "BadRequest", (t) => patch(t.api, KEEP, SMP, "{]")),
  c(
    "strategic: labels become a string",
    422,
    "Invalid",
    (t) => patch(t.api, KEEP, SMP, { metadata: { labels: "s" } }),
    ' "" is invalid: patch: Invalid value: "map[metadata:map[labels:s]]": cannot restore map from string',
  ),
  c(
    "strategic: containers become an object",
    422,
    "Invalid",
    (t) => patch(t.api, WEB, SMP, { spec: { template: { spec: { containers: { name: "c" } } } } }),
    /cannot restore slice from map/,
  ),
  c(
    "strategic: replicas past int32",
    422,
    "Invalid",
    (t) => patch(t.api, WEB, SMP, { spec: { replicas: 2 ** 40 } }),
    /cannot unmarshal number 1099511627776 into Go struct field DeploymentSpec.spec.replicas of type int32/,
  ),
  c("strategic: an unknown $patch directive", 422, "Invalid", (t) =>
    patch(t.api, KEEP, SMP, { $patch: "bogus" }),
  ),
  c(
    "strategic: rename",
    400,
    "BadRequest",
    (t) => patch(t.api, KEEP, SMP, { metadata: { name: "x" } }),
    "the name of the object (x) does not match the name on the URL (keep)",
  ),
  // server-side apply
  c("apply: without fieldManager", 422, "Invalid", (t) => patch(t.api, KEEP, APPLY, applyBody(""))),
  c("apply: malformed YAML", 400, "BadRequest", (t) =>
    patch(t.api, `${KEEP}?fieldManager=t`, APPLY, "a: [\n"),
  ),
  c("apply: another kind", 400, "BadRequest", (t) =>
    patch(
      t.api,
      `${KEEP}?fieldManager=t`,
      APPLY,
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: keep\n",
    ),
  ),
  c(
    "apply: another object's name",
    400,
    "BadRequest",
    (t) =>
      patch(
        t.api,
        `${KEEP}?fieldManager=t`,
        APPLY,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n",
      ),
    "the name of the object (other) does not match the name on the URL (keep)",
  ),
  c(
    "apply: an undeclared field",
    400,
    "BadRequest",
    (t) => patch(t.api, `${KEEP}?fieldManager=t`, APPLY, applyBody("spec: 1\n")),
    typed(".spec: field not declared in schema"),
  ),
  c(
    "apply: labels as a string",
    400,
    "BadRequest",
    (t) => patch(t.api, `${KEEP}?fieldManager=t`, APPLY, applyBody("  labels: s\n")),
    typed(".metadata.labels: expected map, got string"),
  ),
  c(
    "apply: data as a list",
    400,
    "BadRequest",
    (t) => patch(t.api, `${KEEP}?fieldManager=t`, APPLY, applyBody("data: [1]\n")),
    typed(".data: expected map, got array"),
  ),
  c("apply: JSON nested 10001 levels", 400, "BadRequest", (t) =>
    patch(
      t.api,
      `${KEEP}?fieldManager=t`,
      APPLY,
      `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"keep"},"data":${"[".repeat(10_001)}${"]".repeat(10_001)}}`,
    ),
  ),
  c("apply: YAML alias bomb", 400, "BadRequest", (t) =>
    patch(
      t.api,
      `${KEEP}?fieldManager=t`,
      APPLY,
      `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n`,
    ),
  ),
  // the scale subresource decodes into autoscaling/v1 Scale
  c(
    "scale: PUT replicas past int32",
    400,
    "BadRequest",
    (t) =>
      send(
        t.api,
        "PUT",
        `${WEB}/scale`,
        JSON.stringify({ metadata: { name: "web" }, spec: { replicas: 2 ** 40 } }),
      ),
    'Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal number 1099511627776 into Go struct field ScaleSpec.spec.replicas of type int32',
  ),
  c(
    "scale: merge patch of replicas as a string",
    422,
    "Invalid",
    (t) => patch(t.api, `${WEB}/scale`, MERGE, { spec: { replicas: "3" } }),
    invalidPatch("json: cannot unmarshal string into Go struct field ScaleSpec.spec.replicas of type int32"),
  ),
  c(
    "scale: JSON patch of replicas past int32",
    422,
    "Invalid",
    (t) => patch(t.api, `${WEB}/scale`, JSONP, [{ op: "replace", path: "/spec/replicas", value: 2 ** 40 }]),
    invalidPatch(
      "json: cannot unmarshal number 1099511627776 into Go struct field ScaleSpec.spec.replicas of type int32",
    ),
  ),
  c("scale: a malformed body", 400, "BadRequest", (t) => send(t.api, "PUT", `${WEB}/scale`, "{spec")),
  c("an unknown patch type", 415, "UnsupportedMediaType", (t) => patch(t.api, KEEP, "text/plain", "{}")),
  c("a JSON content type on PATCH", 415, "UnsupportedMediaType", (t) =>
    patch(t.api, KEEP, "application/json", "{}"),
  ),
];
