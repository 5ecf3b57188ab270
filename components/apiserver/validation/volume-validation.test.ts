import { expect, test } from "bun:test";
import { validateVolumes } from "./volume-validation.ts";

const lines = (cs: { field?: string; message?: string }[]) => cs.map((c) => `${c.field}: ${c.message}`);

test("volumes", () => {
  const ok = validateVolumes("spec.volumes", [
    { name: "a", emptyDir: {} },
    { name: "b", configMap: { name: "c", defaultMode: 420 } },
  ]);
  expect(ok.causes).toEqual([]);
  expect([...ok.names]).toEqual(["a", "b"]);
  expect(
    lines(
      validateVolumes("spec.volumes", [
        { name: "A" },
        { name: "c", configMap: { defaultMode: 1000 } },
        { name: "h", hostPath: { path: "/x", type: "Weird" } },
        { name: "p", persistentVolumeClaim: {} },
      ]).causes,
    ),
  ).toEqual([
    `spec.volumes[0].name: Invalid value: "A": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    "spec.volumes[0]: Required value: must specify a volume type",
    "spec.volumes[1].configMap.name: Required value",
    "spec.volumes[1].configMap.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive",
    'spec.volumes[2].hostPath.type: Unsupported value: "Weird": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
    "spec.volumes[3].persistentVolumeClaim.claimName: Required value",
  ]);
  expect(lines(validateVolumes("spec.volumes", { a: 1 }).causes)).toEqual([
    'spec.volumes: Invalid value: {"a":1}: must be of type array',
  ]);
});
