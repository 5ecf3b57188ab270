import { expect, test } from "bun:test";
import { configKey } from "./config-key.ts";

test("config keys", () => {
  expect(configKey("data[a.b]", "a.b")).toEqual([]);
  expect(configKey("data[..x]", "..x").map((c) => c.message)).toEqual([
    `Invalid value: "..x": must not start with '..'`,
  ]);
  expect(configKey("data[a/b]", "a/b")[0]?.message).toStartWith(
    `Invalid value: "a/b": a valid config key must consist of`,
  );
});
