import { expect, test } from "bun:test";
import { validateHandler, validateProbe } from "./probe-validation.ts";

const lines = (cs: { field?: string; message?: string }[]) => cs.map((c) => `${c.field}: ${c.message}`);

test("probes", () => {
  expect(validateProbe("p", { tcpSocket: { port: 80 }, timeoutSeconds: 1 }, true)).toEqual([]);
  expect(lines(validateProbe("p", {}, false))).toEqual(["p: Required value: must specify a handler type"]);
  expect(
    lines(
      validateProbe(
        "p",
        { exec: { command: ["true"] }, httpGet: { port: "http" }, successThreshold: 2, periodSeconds: -1 },
        true,
      ),
    ),
  ).toEqual([
    "p.httpGet: Forbidden: may not specify more than 1 handler type",
    "p.periodSeconds: Invalid value: -1: must be greater than or equal to 0",
    "p.successThreshold: Invalid value: 2: must be 1",
  ]);
  expect(lines(validateProbe("p", "x", false))).toEqual(['p: Invalid value: "x": must be of type object']);
});

test("handlers", () => {
  expect(lines(validateHandler("h", { httpGet: { port: 0, scheme: "FTP" } }))).toEqual([
    "h.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive",
    'h.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"',
  ]);
  expect(lines(validateHandler("h", { exec: {} }))).toEqual(["h.exec.command: Required value"]);
});
