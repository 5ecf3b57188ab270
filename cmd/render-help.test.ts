// renderHelp(): upstream-style flag lines with value types and defaults, wrapped descriptions.

import { expect, test } from "bun:test";
import { renderHelp } from "./render-help.ts";

test("renders usage, description and one aligned line per flag", () => {
  const text = renderHelp("kube demo", "Does a demo", {
    "data-dir": { type: "string", description: "Where data goes", default: "/d" },
    port: { type: "string", valueHint: "int", description: "Port", default: "80" },
    fsync: { type: "boolean", description: "Sync" },
    "leader-elect": { type: "boolean", description: "Elect", default: true },
  });
  expect(text).toBe(
    [
      "Usage: kube demo [flags]",
      "",
      "Does a demo",
      "",
      "Flags:",
      '  --data-dir string   Where data goes (default "/d")',
      "  --port int          Port (default 80)",
      "  --fsync             Sync",
      "  --leader-elect      Elect (default true)",
      "  -h, --help          Show this help and exit.",
      "",
    ].join("\n"),
  );
});

test("wraps long descriptions under their column, within 100 characters", () => {
  const text = renderHelp("kube demo", "Demo", {
    x: { type: "string", description: "word ".repeat(40).trim() },
  });
  const lines = text.split("\n").filter((line) => line.includes("word"));
  expect(lines.length).toBeGreaterThan(1);
  for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
  for (const line of lines.slice(1)) expect(line).toMatch(/^ {15}word/);
});

test("deprecated flags are listed apart, after the others, with what replaced them", () => {
  const text = renderHelp("kube demo", "Demo", {
    "portal-net": { type: "string", description: "DEPRECATED: use --service-cluster-ip-range" },
    port: { type: "string", valueHint: "int", description: "Port", default: "80" },
  });
  expect(text).toBe(
    [
      "Usage: kube demo [flags]",
      "",
      "Demo",
      "",
      "Flags:",
      "  --port int            Port (default 80)",
      "  -h, --help            Show this help and exit.",
      "",
      "Deprecated flags (accepted with a warning; upstream removed them):",
      "  --portal-net string   use --service-cluster-ip-range",
      "",
    ].join("\n"),
  );
});
