// --controllers: "*", "name", "-name", disabled-by-default controllers and unknown names.
import { expect, test } from "bun:test";
import type { ControllerDescriptor } from "./controller.ts";
import { ControllerSelectionError, selectControllers } from "./select-controllers.ts";

const stub = (name: string, disabledByDefault = false): ControllerDescriptor => ({
  name,
  disabledByDefault,
  start: () => ({ stop: async () => {} }),
});
const all = [stub("replicaset"), stub("deployment"), stub("bootstrapsigner", true)];
const names = (spec: string) => selectControllers(spec, all).map((c) => c.name);

test("* is every default controller; -name removes one; a name adds a disabled one", () => {
  expect(names("*")).toEqual(["replicaset", "deployment"]);
  expect(names("*,-deployment")).toEqual(["replicaset"]);
  expect(names("*,bootstrapsigner")).toEqual(["replicaset", "deployment", "bootstrapsigner"]);
  expect(names("deployment")).toEqual(["deployment"]);
});

test("an unknown controller is an error naming the known ones", () => {
  expect(() => names("*,nope")).toThrow(ControllerSelectionError);
  expect(() => names("nope")).toThrow(
    /unknown controller "nope" in --controllers; known: bootstrapsigner, deployment, replicaset/,
  );
});
