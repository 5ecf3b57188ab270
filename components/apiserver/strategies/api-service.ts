// The APIService strategy (apiregistration.k8s.io/v1): the name is `<version>.<group>`, group and
// version well formed, priorities in range, local ones (spec.service null) without TLS settings,
// a remote one's service port defaulted to 443. Upstream: kube-aggregator
// pkg/apis/apiregistration/validation/validation.go and v1/defaults.go.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { KObject } from "../registry/object.ts";
import type { Strategy } from "../registry/strategy.ts";
import { invalid, required } from "../validation/field-errors.ts";
import { invalidShown } from "../validation/field-errors-extra.ts";
import { isObject, type JsonObject } from "../validation/json.ts";
import { dns1035Label, dns1123Subdomain } from "../validation/names.ts";
import { rbacName } from "./rbac.ts";

const specOf = (obj: KObject): JsonObject => (isObject(obj.spec) ? obj.spec : {});
const strip = (c: StatusCause): string =>
  (c.message ?? "").replace(/^Invalid value: "(?:[^"\\]|\\.)*": /, "");

function validate(obj: KObject): StatusCause[] {
  const spec = specOf(obj);
  const group = typeof spec.group === "string" ? spec.group : "";
  const version = typeof spec.version === "string" ? spec.version : "";
  const name = obj.metadata?.name ?? "";
  const out: StatusCause[] = [];
  const wanted = `${version}.${group}`;
  if (name && rbacName(name).length === 0 && name !== wanted)
    out.push(
      invalid("metadata.name", name, `must be \`spec.version+"."+spec.group\`: ${JSON.stringify(wanted)}`),
    );
  if (group === "" && version !== "v1")
    out.push(required("spec.group", "only v1 may have an empty group and it better be legacy kube"));
  if (group !== "")
    for (const e of dns1123Subdomain("spec.group", group)) out.push(invalid("spec.group", group, strip(e)));
  for (const e of dns1035Label("spec.version", version)) out.push(invalid("spec.version", version, strip(e)));
  const gp = typeof spec.groupPriorityMinimum === "number" ? spec.groupPriorityMinimum : 0;
  if (gp <= 0 || gp > 20000)
    out.push(invalidShown("spec.groupPriorityMinimum", String(gp), "must be positive and less than 20000"));
  const vp = typeof spec.versionPriority === "number" ? spec.versionPriority : 0;
  if (vp <= 0 || vp > 1000)
    out.push(invalidShown("spec.versionPriority", String(vp), "must be positive and less than 1000"));
  const caBundle = typeof spec.caBundle === "string" ? Buffer.from(spec.caBundle, "base64") : Buffer.alloc(0);
  const insecure = spec.insecureSkipTLSVerify === true;
  const service = spec.service;
  if (!isObject(service)) {
    if (caBundle.length > 0)
      out.push(
        invalid("spec.caBundle", `${caBundle.length} bytes`, "local APIServices may not have a caBundle"),
      );
    if (insecure)
      out.push(
        invalidShown(
          "spec.insecureSkipTLSVerify",
          "true",
          "local APIServices may not have insecureSkipTLSVerify",
        ),
      );
    return out;
  }
  if (!service.namespace) out.push(required("spec.service.namespace"));
  if (!service.name) out.push(required("spec.service.name"));
  const port = service.port;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535)
    out.push(
      invalidShown(
        "spec.service.port",
        String(port),
        "port is not valid: must be between 1 and 65535, inclusive",
      ),
    );
  if (insecure && caBundle.length > 0)
    out.push(invalidShown("spec.insecureSkipTLSVerify", "true", "may not be true if caBundle is present"));
  return out;
}

export const apiServiceStrategy: Strategy = {
  validateName: rbacName,
  defaults(obj) {
    const service = specOf(obj).service;
    if (isObject(service) && (service.port === undefined || service.port === null)) service.port = 443;
  },
  prepareForCreate(obj) {
    obj.status = {};
  },
  validate,
};
