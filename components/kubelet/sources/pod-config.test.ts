// PodConfig: sources merged by UID, and only real changes handed on.

import { describe, expect, test } from "bun:test";
import type { Pod } from "kubernetes-types/core/v1";
import { PodConfig } from "./pod-config.ts";

const pod = (uid: string, name = uid): Pod => ({ metadata: { uid, name, namespace: "default" } });

describe("PodConfig", () => {
  test("set hands on the UIDs that appeared, changed or went, and nothing else", () => {
    const changed: string[] = [];
    const config = new PodConfig((uid) => changed.push(uid));
    const a = pod("a");
    const b = pod("b");
    config.set("file", [a, b]);
    expect(changed).toEqual(["a", "b"]);
    changed.length = 0;
    config.set("file", [a, b]);
    expect(changed).toEqual([]);
    const b2 = pod("b", "b2");
    config.set("file", [b2, pod("c")]);
    expect(changed.sort()).toEqual(["a", "b", "c"]);
    expect(config.get("a")).toBeUndefined();
    expect(config.get("b")).toBe(b2);
    expect(config.pods("file").map((p) => p.metadata?.uid)).toEqual(["b", "c"]);
  });

  test("sources merge: every wanted pod is in all(), a pod goes only when no source wants it", () => {
    const changed: string[] = [];
    const config = new PodConfig((uid) => changed.push(uid));
    config.declare("api");
    config.set("http", [pod("h")]);
    config.upsert("api", pod("x"));
    expect([...config.all().keys()].sort()).toEqual(["h", "x"]);
    expect(config.pods("api").map((p) => p.metadata?.name)).toEqual(["x"]);
    expect(changed).toEqual(["h", "x"]);
    config.remove("api", "x");
    expect(changed).toEqual(["h", "x", "x"]);
    expect(config.get("x")).toBeUndefined();
    expect(config.get("h")?.metadata?.name).toBe("h");
    expect(config.pods("file")).toEqual([]);
  });

  test("upsert always hands the UID on (a status write can carry news for the status manager)", () => {
    const changed: string[] = [];
    const config = new PodConfig((uid) => changed.push(uid));
    const p = pod("p");
    config.upsert("api", p);
    config.upsert("api", p);
    expect(changed).toEqual(["p", "p"]);
  });
});
