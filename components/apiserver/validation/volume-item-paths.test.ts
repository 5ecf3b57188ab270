import { expect, test } from "bun:test";
import { localNonReservedPath, volumeItemPaths } from "./volume-item-paths.ts";

test("paths that leave the volume are invalid, with upstream's words", () => {
  expect(localNonReservedPath("p", "a/b")).toEqual([]);
  expect(localNonReservedPath("p", "..a")[0]?.message).toBe(`Invalid value: "..a": must not start with '..'`);
  expect(localNonReservedPath("p", "../../x")[0]?.message).toBe(
    `Invalid value: "../../x": must not contain '..'`,
  );
  expect(localNonReservedPath("p", "/etc/x")[0]?.message).toBe(
    `Invalid value: "/etc/x": must be a relative path`,
  );
  expect(localNonReservedPath("p", "a/../b")).toHaveLength(1);
});

test("configMap, secret, downwardAPI and projected items are all checked", () => {
  const causes = volumeItemPaths("spec.volumes[0]", {
    configMap: { name: "c", items: [{ key: "a", path: "../../x" }] },
    secret: { secretName: "s", items: [{ key: "", path: "ok" }] },
    downwardAPI: { items: [{ path: "/abs" }] },
    projected: {
      sources: [
        { configMap: { items: [{ key: "k", path: ".." }] } },
        { serviceAccountToken: { path: "../t" } },
      ],
    },
  });
  expect(causes.map((c) => c.field)).toEqual([
    "spec.volumes[0].configMap.items[0].path",
    "spec.volumes[0].secret.items[0].key",
    "spec.volumes[0].downwardAPI.items[0].path",
    "spec.volumes[0].projected.sources[0].configMap.items[0].path",
    "spec.volumes[0].projected.sources[1].serviceAccountToken.path",
  ]);
});
