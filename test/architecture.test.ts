// Keeps DESIGN.md's rules true: imports flow cmd -> components -> lib; storage only from cmd,
// components/etcd, components/apiserver and tests; storage -> lib; no component imports another;
// kebab-case names, a header comment, no default export or `export *`, process.exit only in main;
// no import cycles among kube's own files.

import { describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { dirname, join, normalize } from "node:path";
import { repoRoot } from "./harness/kube-binary.ts";

/** `from "x"`, `import "x"` and `import("x")`, including `import type` (Bun's scanner skips those). */
const importPattern = /(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g;

/** The layer a repo-relative path belongs to: "cmd", "lib", "storage", "components/etcd", ... */
function layerOf(path: string): string {
  const [top = "", second = ""] = path.split("/");
  if (top === "components") return `components/${second}`;
  if (["cmd", "lib", "storage", "assets", "test", "bench"].includes(top)) return top;
  return "root";
}

/** Components allowed to use storage directly (everything else goes through the API). */
const storageUsers = new Set(["components/etcd", "components/apiserver"]);

/** Why `from` may not import `to`, or undefined if it may. Assets (data) and root files are open to all. */
function violation(from: string, to: string): string | undefined {
  if (from === to || to === "assets" || to === "root") return undefined;
  if (from === "test" || from === "bench") return undefined;
  if (from === "cmd") return undefined;
  if (from === "lib") return "lib never imports components, storage or cmd";
  if (from === "storage") return to === "lib" ? undefined : "storage imports only lib";
  if (from.startsWith("components/")) {
    if (to === "lib") return undefined;
    if (to === "storage")
      return storageUsers.has(from) ? undefined : "only components/etcd and components/apiserver use storage";
    if (to.startsWith("components/")) return "components never import each other; they talk through the API";
    return `components never import ${to}`;
  }
  return `${from} may not import ${to}`;
}

interface SourceFile {
  path: string;
  text: string;
}

async function sources(): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  // The directories tsconfig.json includes: the code kube is made of.
  for await (const path of new Bun.Glob("{cmd,components,lib,storage,assets,test,bench}/**/*.ts").scan({
    cwd: repoRoot,
  })) {
    if (path.includes("/node_modules/")) continue;
    files.push({ path, text: await readFile(join(repoRoot, path), "utf8") });
  }
  return files;
}

function importsOf(text: string): string[] {
  return [...text.matchAll(importPattern)].map((match) => match[1] as string);
}

/** The repo-relative file a relative specifier names, if it is one of `known`. */
function resolveImport(from: string, specifier: string, known: Set<string>): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const target = normalize(join(dirname(from), specifier));
  return known.has(target) ? target : undefined;
}

/**
 * Every strongly connected part of `graph` (Tarjan) that holds a cycle, each reported as one
 * shortest cycle through its first file in sort order, e.g. `a.ts -> b.ts -> a.ts`, followed by
 * the other files of that part when there are more.
 */
function findCycles(graph: Map<string, string[]>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const parts: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const part: string[] = [];
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      onStack.delete(top);
      part.push(top);
      if (top === node) break;
    }
    if (part.length > 1 || (graph.get(node) ?? []).includes(node)) parts.push(part.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return parts.map((part) => {
    const start = part[0] as string;
    const inPart = new Set(part);
    // Breadth-first from start inside the part, until an edge leads back to start.
    const cameFrom = new Map<string, string>();
    const queue = [start];
    let last = start;
    search: for (const node of queue) {
      for (const next of graph.get(node) ?? []) {
        if (next === start) {
          last = node;
          break search;
        }
        if (!inPart.has(next) || cameFrom.has(next)) continue;
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
    const chain = [start];
    for (let node = last; node !== start; node = cameFrom.get(node) as string) chain.splice(1, 0, node);
    const others = part.filter((file) => !chain.includes(file));
    const rest = others.length === 0 ? "" : ` (the same cycle also runs through ${others.join(", ")})`;
    return `${[...chain, start].join(" -> ")}${rest}`;
  });
}

describe("architecture", () => {
  test("the import scanner sees imports, including type-only and dynamic ones", () => {
    const text = [
      'import type { KV } from "../storage/kv.ts";',
      'import {\n  a,\n  b,\n} from "./multi-line.ts";',
      'const m = await import("../components/etcd/server.ts");',
      'import "./side-effect.ts";',
      'export { x } from "./re-export.ts";',
    ].join("\n");
    expect(importsOf(text)).toEqual([
      "../storage/kv.ts",
      "./multi-line.ts",
      "../components/etcd/server.ts",
      "./side-effect.ts",
      "./re-export.ts",
    ]);
  });

  test("imports follow the layer rules", async () => {
    const files = await sources();
    expect(files.some((file) => file.path === "cmd/main.ts")).toBe(true);
    const problems: string[] = [];
    for (const file of files) {
      // A test beside the code drives the system like test/ does; only shipped code is layered.
      const from = file.path.endsWith(".test.ts") ? "test" : layerOf(file.path);
      for (const specifier of importsOf(file.text)) {
        if (!specifier.startsWith(".")) continue;
        const target = normalize(join(dirname(file.path), specifier));
        if (target.startsWith("..")) {
          problems.push(`${file.path} imports ${specifier}, outside the repository`);
          continue;
        }
        const reason = violation(from, layerOf(target));
        if (reason !== undefined) problems.push(`${file.path} imports ${specifier}: ${reason}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test("the cycle finder reports each cycle as a chain and passes acyclic graphs", () => {
    const graph = new Map([
      ["a.ts", ["b.ts", "z.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts", "d.ts"]],
      ["d.ts", ["b.ts"]],
      ["e.ts", ["e.ts"]],
      ["z.ts", []],
    ]);
    expect(findCycles(graph)).toEqual([
      "a.ts -> b.ts -> c.ts -> a.ts (the same cycle also runs through d.ts)",
      "e.ts -> e.ts",
    ]);
    expect(
      findCycles(
        new Map([
          ["a.ts", ["b.ts"]],
          ["b.ts", ["c.ts"]],
          ["c.ts", []],
        ]),
      ),
    ).toEqual([]);
  });

  // Type-only imports count. They are erased before run time (verbatimModuleSyntax), so a cycle
  // made of them cannot bite at load time, but it still ties two files into one unit that cannot
  // be read, tested or moved apart; both cycles issue 18 named were such cycles. A type both
  // sides need belongs in the lower file (or its own), never in a file that imports the user.
  test("no import cycles among kube's own files, type-only imports included", async () => {
    const files = await sources();
    const known = new Set(files.map((file) => file.path));
    const graph = new Map<string, string[]>();
    for (const file of files) {
      const targets = importsOf(file.text).map((specifier) => resolveImport(file.path, specifier, known));
      graph.set(
        file.path,
        targets.filter((target): target is string => target !== undefined),
      );
    }
    expect(findCycles(graph)).toEqual([]);
  });

  // Issue 18: the write path is the registry's (registry/resource-store.ts), so the apiserver's
  // own writers (bootstrap, RBAC policy, admission, reviews, TokenRequest) reach it without the
  // HTTP layer. handlers/ only speaks HTTP; the one route into it is the request routing:
  // api-handler.ts (dispatches to handleResource) and server.ts (wires the metrics resources and
  // the kubelet client into the handler context). Tests may import handlers/ freely.
  test("inside components/apiserver only handlers/, api-handler.ts and server.ts import handlers/", async () => {
    const allowed = new Set(["components/apiserver/api-handler.ts", "components/apiserver/server.ts"]);
    const problems: string[] = [];
    for (const file of await sources()) {
      const { path } = file;
      if (!path.startsWith("components/apiserver/") || path.endsWith(".test.ts")) continue;
      if (path.startsWith("components/apiserver/handlers/") || allowed.has(path)) continue;
      for (const specifier of importsOf(file.text)) {
        if (!specifier.startsWith(".")) continue;
        const target = normalize(join(dirname(path), specifier));
        if (target.startsWith("components/apiserver/handlers/"))
          problems.push(`${path} imports ${specifier}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test("no default exports and no export *", async () => {
    const problems: string[] = [];
    // Declaration files describe modules kube does not write (e.g. `*.proto` text imports).
    for (const file of (await sources()).filter((f) => !f.path.endsWith(".d.ts"))) {
      if (/^\s*export\s+default\b/m.test(file.text)) problems.push(`${file.path}: export default`);
      if (/^\s*export\s+\*/m.test(file.text)) problems.push(`${file.path}: export *`);
    }
    expect(problems).toEqual([]);
  });

  test("file names are kebab-case", async () => {
    const bad = (await sources()).map((file) => file.path).filter((path) => !/^[a-z0-9/.-]+$/.test(path));
    expect(bad).toEqual([]);
  });

  test("every source file opens with a header comment naming its concept", async () => {
    const bare = (await sources())
      .filter((file) => !file.path.endsWith(".test.ts") && !file.path.endsWith(".d.ts"))
      .filter((file) => !file.text.startsWith("//"))
      .map((file) => file.path);
    expect(bare).toEqual([]);
  });

  test("one private-member style: TypeScript `private`, no `#` fields", async () => {
    const hash = /^\s+(?:static\s+)?(?:readonly\s+)?(?:async\s+)?#[A-Za-z_]\w*\s*[=:;(<!?]|this\.#[A-Za-z_]/m;
    const using = (await sources()).filter((file) => hash.test(file.text)).map((file) => file.path);
    expect(using).toEqual([]);
  });

  test("only cmd/main.ts calls process.exit", async () => {
    const callers = (await sources())
      // Tests may end a child they spawn abruptly (a crash without close).
      .filter(
        (file) =>
          !file.path.startsWith("test/") &&
          !file.path.startsWith("bench/") &&
          !file.path.endsWith(".test.ts"),
      )
      .filter((file) => /\bprocess\.exit\s*\(/.test(file.text))
      .map((file) => file.path);
    expect(callers).toEqual(["cmd/main.ts"]);
  });
});
