// How Go's encoding/json writes a protobuf field of a Kubernetes type. The wire cannot tell a
// pointer from a value or see omitempty, so the .proto files carry it as options (see meta.proto).
import type { Field, Type } from "protobufjs";

/**
 * omitempty: a non-pointer field with omitempty, zero values dropped (the default);
 * ptr: a pointer, written whenever set, zero included; req: no omitempty, always written;
 * inline: an embedded struct whose fields are merged into the parent object.
 */
export type GoFieldShape = "omitempty" | "ptr" | "req" | "inline";

export function goFieldShape(field: Field): GoFieldShape {
  const shape = field.options?.["(go)"];
  return shape === "ptr" || shape === "req" || shape === "inline" ? shape : "omitempty";
}

/** The JSON key: the proto name, which upstream derives from the json tag, unless overridden. */
export function jsonFieldName(field: Field): string {
  const name = field.options?.["(json)"];
  return typeof name === "string" ? name : field.name;
}

/** A Go named slice (`type ExtraValue []string`) that protobuf wraps in a message of `items`. */
export function isGoListMessage(type: Type): boolean {
  return type.options?.["(go)"] === "list";
}

/** Messages with a custom JSON form, by fully qualified name. */
export const specialMessages = {
  time: ".k8s.io.apimachinery.pkg.apis.meta.v1.Time",
  microTime: ".k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime",
  duration: ".k8s.io.apimachinery.pkg.apis.meta.v1.Duration",
  fieldsV1: ".k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1",
  quantity: ".k8s.io.apimachinery.pkg.api.resource.Quantity",
  intOrString: ".k8s.io.apimachinery.pkg.util.intstr.IntOrString",
  rawExtension: ".k8s.io.apimachinery.pkg.runtime.RawExtension",
} as const;
