// The key pinning of aptRepository, run for real: gpg, curl (file://) and bash on this machine.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pinnedKeyScript, renderAptSources } from "../../../src/remote/apt";

let dir: string;
const fingerprints: string[] = [];

function gpg(...args: string[]): string {
  return execFileSync("gpg", ["--homedir", path.join(dir, "gnupg"), "--batch", ...args], { encoding: "utf8" });
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "apt-key-"));
  fs.mkdirSync(path.join(dir, "gnupg"), { mode: 0o700 });
  for (const who of ["old signing key <old@test>", "current signing key <new@test>"]) {
    gpg("--passphrase", "", "--quick-gen-key", who, "ed25519", "sign", "never");
    const fprLine = gpg("--with-colons", "--list-keys", who)
      .split("\n")
      .find((l) => l.startsWith("fpr"));
    if (!fprLine) throw new Error(`gpg listed no fingerprint for ${who}`);
    fingerprints.push(fprLine.split(":")[9]);
  }
  // What a vendor may serve: both keys in one binary file, the old one first.
  fs.writeFileSync(
    path.join(dir, "both.gpg"),
    execFileSync("gpg", ["--homedir", path.join(dir, "gnupg"), "--batch", "--export", ...fingerprints]),
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(script: string) {
  return spawnSync("bash", ["-euo", "pipefail", "-c", script], { encoding: "utf8" });
}

describe("pinnedKeyScript", () => {
  it("keeps only the pinned key of a multi-key binary file, armored", () => {
    const dest = path.join(dir, "keyrings", "vendor.asc");
    const r = run(pinnedKeyScript(`file://${dir}/both.gpg`, fingerprints[1], dest));
    expect(r.status, r.stderr).toBe(0);
    const installed = fs.readFileSync(dest, "utf8");
    expect(installed).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    const listed = execFileSync("gpg", ["--show-keys", "--with-colons", dest], {
      encoding: "utf8",
      env: { ...process.env, GNUPGHOME: path.join(dir, "gnupg") },
    });
    const fprs = listed
      .split("\n")
      .filter((l) => l.startsWith("fpr"))
      .map((l) => l.split(":")[9]);
    expect(fprs[0]).toBe(fingerprints[1]);
    expect(fprs).not.toContain(fingerprints[0]);
  });

  it("fails, naming the fingerprint, when the file lacks the pinned key", () => {
    const dest = path.join(dir, "keyrings", "other.asc");
    const wrong = "0".repeat(40);
    const r = run(pinnedKeyScript(`file://${dir}/both.gpg`, wrong, dest));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`no key with fingerprint ${wrong} at file://${dir}/both.gpg`);
    expect(fs.existsSync(dest)).toBe(false);
  });
});

describe("renderAptSources", () => {
  it("renders a deb822 source with its own signed-by keyring", () => {
    expect(
      renderAptSources({ name: "nodesource", uris: "https://deb.nodesource.com/node_22.x", suites: "nodistro", components: "main" }),
    ).toBe(
      "Types: deb\nURIs: https://deb.nodesource.com/node_22.x\nSuites: nodistro\nComponents: main\nSigned-By: /etc/apt/keyrings/nodesource.asc\n",
    );
  });
});
