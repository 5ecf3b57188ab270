// PatchError: a patch that is malformed or does not apply, with the HTTP code, Status reason
// and message kube-apiserver returns for it (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go).

export type PatchErrorReason =
  | "BadRequest"
  | "Invalid"
  | "Conflict"
  | "RequestEntityTooLarge"
  | "UnsupportedMediaType";

const codes: Record<PatchErrorReason, number> = {
  BadRequest: 400,
  Conflict: 409,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
};

export class PatchError extends Error {
  override readonly name = "PatchError";
  readonly reason: PatchErrorReason;
  readonly code: number;

  constructor(reason: PatchErrorReason, message: string) {
    super(message);
    this.reason = reason;
    this.code = codes[reason];
  }

  /** 400: the patch cannot be decoded or has a malformed directive. */
  static badRequest(message: string): PatchError {
    return new PatchError("BadRequest", message);
  }

  /** 422: the patch is well formed but does not apply to this object. */
  static invalid(message: string): PatchError {
    return new PatchError("Invalid", message);
  }
}
