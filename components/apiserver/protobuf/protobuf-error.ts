// The one error a protobuf body can raise: an unsupported apiVersion/kind (the apiserver answers
// 415 Unsupported Media Type, as upstream does for a kind it cannot decode) or malformed bytes (400).

export type ProtobufErrorReason = "UnsupportedKind" | "Malformed";

export class ProtobufError extends Error {
  override readonly name = "ProtobufError";
  readonly reason: ProtobufErrorReason;
  /** The HTTP status the apiserver answers with. */
  readonly code: 400 | 415;

  constructor(reason: ProtobufErrorReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
    this.code = reason === "UnsupportedKind" ? 415 : 400;
  }
}
