// Throwaway certificates for TLS tests, made with the openssl CLI (independent of kube's own
// lib/pki): a CA, and leaves signed by it with a CN, organizations and subject alt names.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestPair {
  certPem: string;
  keyPem: string;
  certFile: string;
  keyFile: string;
}

export interface TestPki {
  dir: string;
  ca: TestPair;
  /** A leaf for both server and client auth; sans default to 127.0.0.1 and localhost. */
  issue(name: string, options?: { cn?: string; organizations?: string[]; sans?: string[] }): TestPair;
  /** A second, unrelated CA (for "signed by someone else" cases). */
  otherCa(): TestPair;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  const run = Bun.spawnSync(["openssl", ...args], { cwd, stdout: "pipe", stderr: "pipe" });
  if (run.exitCode !== 0) throw new Error(`openssl ${args.join(" ")}: ${run.stderr.toString()}`);
}

const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function pair(dir: string, name: string): TestPair {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return {
    certFile,
    keyFile,
    certPem: readFileSync(certFile, "utf8"),
    keyPem: readFileSync(keyFile, "utf8"),
  };
}

function makeCa(dir: string, name: string): TestPair {
  openssl(
    [
      "req",
      "-x509",
      ...ecKey,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-subj",
      `/CN=${name}`,
    ],
    dir,
  );
  return pair(dir, name);
}

/** Makes a CA in a new kt- temp dir; call remove() when done. */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "kt-pki-"));
  try {
    const ca = makeCa(dir, "ca");
    return {
      dir,
      ca,
      issue(name, options = {}) {
        const subject = `/CN=${options.cn ?? name}${(options.organizations ?? []).map((o) => `/O=${o}`).join("")}`;
        const sans = (options.sans ?? ["IP:127.0.0.1", "DNS:localhost"]).join(",");
        writeFileSync(
          join(dir, `${name}.ext`),
          `subjectAltName=${sans}\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n`,
        );
        openssl(["req", ...ecKey, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject], dir);
        openssl(
          [
            "x509",
            "-req",
            "-in",
            `${name}.csr`,
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
          ].concat(["-out", `${name}.crt`, "-extfile", `${name}.ext`]),
          dir,
        );
        return pair(dir, name);
      },
      otherCa: () => makeCa(dir, "other-ca"),
      remove: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
