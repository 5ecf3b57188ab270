// Environment variable names as v1.32 validates them with RelaxedEnvironmentVariableValidation
// (beta, on): printable ASCII other than '=' (k8s.io/apimachinery pkg/util/validation
// IsEnvVarName and pkg/apis/core/validation validateEnvVarName).
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { invalid } from "./field-errors.ts";

export const ENV_NAME_MESSAGE =
  "a valid environment variable name must consist only of printable ASCII characters other than '='";

export function envVarName(field: string, name: string): StatusCause[] {
  return /^[ -<>-~]+$/.test(name) ? [] : [invalid(field, name, ENV_NAME_MESSAGE)];
}
