// Static pod manifests: YAML/JSON, several documents, bad input named by file and reason, and
// upstream's naming and UID rules (an edit changes the UID; the same content keeps it).
import { describe, expect, test } from "bun:test";
import { ManifestError, parseManifest, toStaticPod } from "./static-pod.ts";

const pod =
  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: c\n    image: hello\n";

describe("parseManifest", () => {
  test("YAML with several documents and JSON", () => {
    expect(
      parseManifest(`${pod}---\n${pod.replace("web", "two")}`, "f").map((p) => p.metadata?.name),
    ).toEqual(["web", "two"]);
    expect(
      parseManifest(
        JSON.stringify({
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "j" },
          spec: { containers: [{ name: "c", image: "x" }] },
        }),
        "f",
      ),
    ).toHaveLength(1);
  });

  const bad: [string, string, RegExp][] = [
    [
      "not a pod",
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n",
      /f: kind is "Deployment", a static pod manifest must be kind: Pod/,
    ],
    [
      "no name",
      "apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: c, image: x}]\n",
      /metadata.name is required/,
    ],
    ["no containers", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {}\n", /at least one container/],
    [
      "no image",
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c}]\n",
      /container "c" needs an image/,
    ],
    ["broken YAML", "apiVersion: v1\nkind: [\n", /^f: /],
    ["a scalar", "hello\n", /expected a Pod object/],
  ];
  for (const [what, text, message] of bad) {
    test(`rejects ${what} with a message naming the file`, () => {
      let error: unknown;
      try {
        parseManifest(text, "f");
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ManifestError);
      expect((error as Error).message).toMatch(message);
    });
  }
});

describe("toStaticPod", () => {
  const [parsed] = parseManifest(pod, "f");
  test("named <name>-<node>, bound to the node, with config annotations", () => {
    const p = toStaticPod(parsed as never, "file", "/m/web.yaml", "node1");
    expect(p.metadata?.name).toBe("web-node1");
    expect(p.metadata?.namespace).toBe("default");
    expect(p.spec?.nodeName).toBe("node1");
    expect(p.metadata?.annotations?.["kubernetes.io/config.source"]).toBe("file");
    expect(p.metadata?.annotations?.["kubernetes.io/config.hash"]).toBe(p.metadata?.uid);
  });
  test("the UID is stable for the same content and changes with an edit", () => {
    const a = toStaticPod(parsed as never, "file", "/m/web.yaml", "node1");
    const b = toStaticPod(parsed as never, "file", "/m/web.yaml", "node1");
    const [edited] = parseManifest(pod.replace("hello", "nginx"), "f");
    const c = toStaticPod(edited as never, "file", "/m/web.yaml", "node1");
    expect(a.metadata?.uid).toBe(b.metadata?.uid as string);
    expect(c.metadata?.uid).not.toBe(a.metadata?.uid as string);
    expect(toStaticPod(parsed as never, "file", "/m/web.yaml", "node2").metadata?.uid).not.toBe(
      a.metadata?.uid as string,
    );
  });
});
