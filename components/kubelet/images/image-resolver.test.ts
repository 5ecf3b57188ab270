import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImagePullError } from "./image-pull-error.ts";
import { createImageResolver } from "./image-resolver.ts";
import { type ImageReference, referenceString } from "./oci/image-reference.ts";
import type { OciImageSource } from "./oci/oci-image-source.ts";

const kubeExecutable = ["/usr/bin/kube-test"];
let dir = "";

async function script(name: string, text: string, mode = 0o755): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  await chmod(path, mode);
  return path;
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

async function pullError(run: () => Promise<unknown>): Promise<ImagePullError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ImagePullError) return error;
    throw error;
  }
  throw new Error("expected an ImagePullError");
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kt-images-"));
  await script("hello", "ncat -k -c 'echo hello' -l 0.0.0.0 80\n");
  await script("shebang", "#!/bin/sh\necho hi\n");
  await script("notexec", "echo hi\n", 0o644);
  await script("nginx:1.25", "#!/bin/sh\necho tagged\n");
  await script("web", "#!/bin/sh\necho web\n");
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("createImageResolver", () => {
  test("a plain script in the image dir runs under /bin/sh", async () => {
    const resolver = createImageResolver({ imageDir: dir, kubeExecutable });
    const path = join(dir, "hello");
    expect(await resolver.resolve("hello")).toEqual({
      image: "hello",
      imageID: `file://${path}@sha256:${sha256("ncat -k -c 'echo hello' -l 0.0.0.0 80\n")}`,
      entrypoint: ["/bin/sh", path],
      args: [],
      source: "image-dir",
    });
  });

  test("a script with #! runs directly", async () => {
    const resolver = createImageResolver({ imageDir: dir, kubeExecutable });
    const resolved = await resolver.resolve("shebang:latest");
    expect(resolved.entrypoint).toEqual([join(dir, "shebang")]);
    expect(resolved.image).toBe("shebang:latest");
  });

  test("the full name:tag wins over the bare name; registries and library/ are stripped", async () => {
    const resolver = createImageResolver({ imageDir: dir, kubeExecutable });
    expect((await resolver.resolve("nginx:1.25")).entrypoint).toEqual([join(dir, "nginx:1.25")]);
    expect((await resolver.resolve("docker.io/library/web:2")).entrypoint).toEqual([join(dir, "web")]);
    expect((await resolver.resolve("example.com:5000/team/web@sha256:00")).entrypoint).toEqual([
      join(dir, "web"),
    ]);
    // No file nginx (only nginx:1.25): other tags fall through to the embedded nginx.
    expect((await resolver.resolve("docker.io/library/nginx:1.27")).source).toBe("embedded");
  });

  test("embedded images: programs run as kube image <name>", async () => {
    const resolver = createImageResolver({ imageDir: dir, kubeExecutable });
    expect(await resolver.resolve("hello-world")).toEqual({
      image: "hello-world",
      imageID: "kube://embedded/hello-world",
      entrypoint: ["/usr/bin/kube-test", "image", "hello-world"],
      args: [],
      source: "embedded",
    });
    const pause = await resolver.resolve("registry.k8s.io/pause:3.9");
    expect(pause.entrypoint).toEqual([]);
    expect(pause.args[0]).toBe("/bin/sh");
  });

  test("busybox runs the pod's command with host tools; kube runs kube itself", async () => {
    const resolver = createImageResolver({ kubeExecutable: ["bun", "cmd/main.ts"] });
    const busybox = await resolver.resolve("busybox:1.36");
    expect(busybox.entrypoint).toEqual([]);
    expect(busybox.args).toEqual(["sh"]);
    const kube = await resolver.resolve("kube");
    expect(kube.entrypoint).toEqual(["bun", "cmd/main.ts"]);
    expect(kube.args).toEqual([]);
    expect(kube.imageID).toBe("kube://embedded/kube");
  });

  test("the image dir comes before the embedded images", async () => {
    await script("pause", "#!/bin/sh\nsleep 1000\n");
    try {
      const resolver = createImageResolver({ imageDir: dir, kubeExecutable });
      expect((await resolver.resolve("pause")).source).toBe("image-dir");
    } finally {
      await rm(join(dir, "pause"));
    }
  });

  test("a changed file gets a new imageID", async () => {
    const resolver = createImageResolver({ imageDir: dir, kubeExecutable });
    await script("changing", "#!/bin/sh\necho 1\n");
    const first = (await resolver.resolve("changing")).imageID;
    await script("changing", "#!/bin/sh\necho 22\n");
    const second = (await resolver.resolve("changing")).imageID;
    expect(second).not.toBe(first);
    expect(second).toEndWith(sha256("#!/bin/sh\necho 22\n"));
  });

  test("an unknown image names the directory searched and the embedded images", async () => {
    const resolver = createImageResolver({ imageDir: dir, kubeExecutable });
    const error = await pullError(() => resolver.resolve("nope"));
    expect(error.image).toBe("nope");
    expect(error.message).toBe(
      `image "nope" not found: no executable "nope" in ${dir} and no embedded image of that name ` +
        "(embedded: hello, hello-world, busybox, nginx, pause, kube)",
    );
  });

  test("a non-executable file is skipped, and the error says so", async () => {
    const resolver = createImageResolver({ imageDir: dir, kubeExecutable });
    const error = await pullError(() => resolver.resolve("notexec:v1"));
    expect(error.message).toContain(`no executable "notexec:v1" or "notexec" in ${dir}`);
    expect(error.message).toContain(`${join(dir, "notexec")} exists but is not executable`);
  });

  test("without an image dir, only embedded images; an empty name is invalid", async () => {
    const resolver = createImageResolver({ kubeExecutable });
    expect((await resolver.resolve("nginx")).source).toBe("embedded");
    expect((await pullError(() => resolver.resolve("hello2"))).message).toStartWith(
      'image "hello2" not found: no --image-dir given and no embedded image',
    );
    expect((await pullError(() => resolver.resolve(""))).message).toBe('invalid image name ""');
  });
});

describe("registry images named like a built-in", () => {
  /** An OciImageSource with an empty store whose pulls are recorded and fail. */
  function recordingSource(pulls: string[]): OciImageSource {
    const source = {
      find: async () => undefined,
      pull: async (ref: ImageReference) => {
        pulls.push(referenceString(ref));
        throw new Error("manifest unknown");
      },
    };
    return source as unknown as OciImageSource;
  }

  test("localhost:5000/x/busybox is pulled, not the embedded busybox", async () => {
    const pulls: string[] = [];
    const resolver = createImageResolver({ kubeExecutable, oci: recordingSource(pulls) });
    const error = await pullError(() => resolver.resolve("localhost:5000/x/busybox"));
    expect(error.message).toBe("manifest unknown");
    expect(pulls).toEqual(["localhost:5000/x/busybox:latest"]);
    await pullError(() => resolver.resolve("bitnami/nginx:1.27"));
    expect(pulls.at(-1)).toBe("docker.io/bitnami/nginx:1.27");
  });

  test("Docker Hub's official names and upstream's pause stay built in, with no pull", async () => {
    const pulls: string[] = [];
    const resolver = createImageResolver({ kubeExecutable, oci: recordingSource(pulls) });
    for (const image of [
      "busybox",
      "busybox:latest",
      "docker.io/library/busybox:1.36",
      "registry.k8s.io/pause:3.9",
    ]) {
      expect((await resolver.resolve(image)).source).toBe("embedded");
    }
    expect(pulls).toEqual([]);
  });
});
