// The ConfigMap strategy: key syntax, data/binaryData overlap, the 1 MiB limit and the
// immutable flag. Upstream: pkg/registry/core/configmap/strategy.go,
// pkg/apis/core/validation/validation.go ValidateConfigMap(Update).
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { Strategy } from "../registry/strategy.ts";
import {
  base64Bytes,
  checkTotal,
  invalidBase64,
  utf8Bytes,
  validateDataMap,
  validateImmutableData,
} from "../validation/config-data.ts";
import { invalid } from "../validation/field-errors.ts";
import { isObject } from "../validation/json.ts";
import { checkType } from "../validation/type-checks.ts";

export const configMapStrategy: Strategy = {
  validate(obj) {
    const out: StatusCause[] = [...checkType("immutable", obj.immutable, "boolean")];
    const data = validateDataMap("data", obj.data, utf8Bytes, out);
    const binary = validateDataMap("binaryData", obj.binaryData, (s) => base64Bytes(s) ?? 0, out);
    if (isObject(obj.binaryData)) {
      for (const [k, v] of Object.entries(obj.binaryData)) {
        if (typeof v === "string" && base64Bytes(v) === undefined)
          out.push(invalidBase64(`binaryData[${k}]`, v));
      }
    }
    for (const k of data.keys) {
      if (binary.keys.includes(k))
        out.push(invalid(`data[${k}]`, k, "duplicate of key present in binaryData"));
    }
    // The limit applies to the whole object, so upstream reports it with an empty field path.
    out.push(...checkTotal("", data.bytes + binary.bytes));
    return out;
  },
  validateUpdate(obj, old) {
    return validateImmutableData(obj, old, ["data", "binaryData"]);
  },
};
