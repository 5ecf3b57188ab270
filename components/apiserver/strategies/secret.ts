// The Secret strategy: type Opaque by default, stringData folded into data (v1 conversion),
// key syntax, base64 values, the 1 MiB limit, the keys each type requires, immutable type
// and immutable data; field selector type. Upstream: pkg/apis/core/v1/defaults.go,
// conversion.go (stringData), pkg/apis/core/validation ValidateSecret(Update).
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { Strategy } from "../registry/strategy.ts";
import {
  base64Bytes,
  checkTotal,
  invalidBase64,
  validateDataMap,
  validateImmutableData,
} from "../validation/config-data.ts";
import { invalid, required } from "../validation/field-errors.ts";
import { immutableField } from "../validation/immutable.ts";
import { isObject, stringMap } from "../validation/json.ts";
import { checkType } from "../validation/type-checks.ts";

/** Keys every secret of a type must have; basic-auth needs one of its two. */
const REQUIRED_KEYS: Record<string, string[]> = {
  "kubernetes.io/dockercfg": [".dockercfg"],
  "kubernetes.io/dockerconfigjson": [".dockerconfigjson"],
  "kubernetes.io/ssh-auth": ["ssh-privatekey"],
  "kubernetes.io/tls": ["tls.crt", "tls.key"],
};

function encodeBase64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

export const secretStrategy: Strategy = {
  defaults(obj) {
    if (obj.type === undefined || obj.type === null || obj.type === "") obj.type = "Opaque";
    if (isObject(obj.stringData)) {
      const data = isObject(obj.data) ? obj.data : {};
      for (const [k, v] of Object.entries(obj.stringData))
        if (typeof v === "string") data[k] = encodeBase64(v);
      obj.data = data;
      delete obj.stringData;
    }
  },
  validate(obj) {
    const out: StatusCause[] = [
      ...checkType("immutable", obj.immutable, "boolean"),
      ...checkType("type", obj.type, "string"),
    ];
    const data = validateDataMap("data", obj.data, (s) => base64Bytes(s) ?? 0, out);
    if (isObject(obj.data)) {
      for (const [k, v] of Object.entries(obj.data)) {
        if (typeof v === "string" && base64Bytes(v) === undefined) out.push(invalidBase64(`data[${k}]`, v));
      }
    }
    out.push(...checkTotal("data", data.bytes));
    const type = typeof obj.type === "string" ? obj.type : "";
    const keys = stringMap(obj.data);
    for (const key of REQUIRED_KEYS[type] ?? []) if (!(key in keys)) out.push(required(`data[${key}]`));
    if (type === "kubernetes.io/basic-auth" && !("username" in keys) && !("password" in keys)) {
      out.push(required("data[username]"), required("data[password]"));
    }
    if (type === "kubernetes.io/service-account-token") {
      const name = obj.metadata?.annotations?.["kubernetes.io/service-account.name"];
      if (!name) out.push(required("metadata.annotations[kubernetes.io/service-account.name]"));
    }
    if (type === "kubernetes.io/dockerconfigjson" && typeof keys[".dockerconfigjson"] === "string") {
      try {
        JSON.parse(Buffer.from(keys[".dockerconfigjson"], "base64").toString("utf8"));
      } catch (e) {
        out.push(
          invalid("data[.dockerconfigjson]", "<secret contents redacted>", String((e as Error).message)),
        );
      }
    }
    return out;
  },
  validateUpdate(obj, old) {
    return [...immutableField("type", obj.type, old.type), ...validateImmutableData(obj, old, ["data"])];
  },
  fields(obj) {
    return { type: typeof obj.type === "string" ? obj.type : "" };
  },
};
