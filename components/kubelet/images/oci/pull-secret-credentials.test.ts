import { describe, expect, test } from "bun:test";
import type { Secret } from "kubernetes-types/core/v1";
import { parseImageReference } from "./image-reference.ts";
import { pullSecretCredentials } from "./pull-secret-credentials.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const jsonSecret = (auths: Record<string, unknown>): Secret => ({
  metadata: { name: "s" },
  type: "kubernetes.io/dockerconfigjson",
  data: { ".dockerconfigjson": b64(JSON.stringify({ auths })) },
});

describe("pullSecretCredentials", () => {
  test("matches host, port, path prefix and globs; most specific first", () => {
    const secret = jsonSecret({
      "https://index.docker.io/v1/": { username: "hub", password: "h" },
      "reg.example.com:5000": { auth: b64("plain:p") },
      "reg.example.com:5000/team": { username: "team", password: "t" },
      "*.example.com": { username: "glob", password: "g" },
      "other.io": { username: "x", password: "y" },
    });
    const users = (image: string) =>
      pullSecretCredentials([secret], parseImageReference(image)).map((c) => c.username);
    expect(users("busybox")).toEqual(["hub"]);
    expect(users("reg.example.com:5000/team/app:1")).toEqual(["team", "plain"]);
    expect(users("reg.example.com:5000/teammate/app")).toEqual(["plain"]);
    expect(users("a.example.com/app")).toEqual(["glob"]);
    expect(users("a.b.example.com/app")).toEqual([]);
  });

  test("legacy .dockercfg secrets and junk", () => {
    const cfg: Secret = {
      metadata: { name: "c" },
      type: "kubernetes.io/dockercfg",
      data: { ".dockercfg": b64(JSON.stringify({ "r.io": { auth: b64("u:p:with:colons") } })) },
    };
    expect(pullSecretCredentials([cfg], parseImageReference("r.io/x"))).toEqual([
      { username: "u", password: "p:with:colons" },
    ]);
    const junk: Secret = { metadata: { name: "j" }, data: { ".dockerconfigjson": b64("{not json") } };
    expect(pullSecretCredentials([junk, { metadata: { name: "e" } }], parseImageReference("r.io/x"))).toEqual(
      [],
    );
  });
});
