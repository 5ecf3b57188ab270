// A boolean query parameter as upstream decodes it (apimachinery runtime/conversion.go
// Convert_Slice_string_To_bool): absent is false; "0", "f" and "false" in any case are false;
// every other value, the empty string and the Python client's "True" included, is true.

export function queryBool(params: URLSearchParams, name: string): boolean {
  const value = params.get(name);
  if (value === null) return false;
  const lower = value.toLowerCase();
  return !(lower === "0" || lower === "f" || lower === "false");
}
