import { expect, test } from "bun:test";
import { portName, portNumber } from "./ports.ts";

test("port numbers and names", () => {
  expect(portNumber("p", 80)).toEqual([]);
  expect(portNumber("p", 0)[0]?.message).toBe("Invalid value: 0: must be between 1 and 65535, inclusive");
  expect(portName("n", "http")).toEqual([]);
  expect(portName("n", "-a--b_").map((c) => c.message)).toEqual([
    'Invalid value: "-a--b_": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    'Invalid value: "-a--b_": must not contain consecutive hyphens',
    'Invalid value: "-a--b_": must not begin or end with a hyphen',
  ]);
  expect(portName("n", "8080").map((c) => c.message)).toEqual([
    'Invalid value: "8080": must contain at least one letter (a-z)',
  ]);
});
