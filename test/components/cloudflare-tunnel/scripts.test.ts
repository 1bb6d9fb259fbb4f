// The host scripts run for real by bash on this machine, against a temp folder and a stand-in
// cloudflared (a shell script that prints a version line the way cloudflared does).
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderCheckVersion, renderInstallBinary, renderUninstallBinary } from "../../../components/cloudflare-tunnel/render";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloudflared-scripts-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(script: string) {
  return spawnSync("bash", ["-euo", "pipefail", "-c", script], { encoding: "utf8" });
}

/** A stand-in binary answering --version like cloudflared 2025.x does. */
function fakeCloudflared(file: string, version: string): string {
  const body = `#!/bin/sh\necho "cloudflared version ${version} (built 2025-11-06-1200 UTC)"\n`;
  fs.writeFileSync(file, body, { mode: 0o755 });
  return crypto.createHash("sha256").update(body).digest("hex");
}

const lastLine = (text: string) => text.trimEnd().split("\n").pop();
const isRoot = process.getuid?.() === 0;

describe("version check", () => {
  it("prints the version of a cloudflared that has --token-file", () => {
    const bin = path.join(dir, "cloudflared");
    fakeCloudflared(bin, "2025.11.1");
    const res = run(renderCheckVersion(bin));
    expect(res.status).toBe(0);
    expect(res.stdout).toBe("2025.11.1\n");
    expect(run(renderCheckVersion(bin, "2025.11.1")).stdout).toBe("2025.11.1\n");
  });

  it.each([
    ["2025.2.0", "is version '2025.2.0'; --token-file needs cloudflared >= 2025.4.0"],
    ["DEV", "is version 'DEV'; --token-file needs cloudflared >= 2025.4.0"],
  ])("refuses %s", (version, message) => {
    const bin = path.join(dir, "cloudflared");
    fakeCloudflared(bin, version);
    const res = run(renderCheckVersion(bin));
    expect(res.status).toBe(1);
    expect(res.stderr).toBe(`${bin} ${message}\n`);
  });

  it("refuses a version other than the pinned one", () => {
    const bin = path.join(dir, "cloudflared");
    fakeCloudflared(bin, "2025.11.1");
    const res = run(renderCheckVersion(bin, "2025.10.0"));
    expect(res.status).toBe(1);
    expect(res.stderr).toBe(`${bin} is version 2025.11.1, expected the pinned 2025.10.0\n`);
  });
});

describe.skipIf(!isRoot)("binary install (as root: it installs root-owned)", () => {
  it("installs a verified binary once, then leaves it; uninstall removes only that binary", () => {
    const source = path.join(dir, "download");
    const sha256 = fakeCloudflared(source, "2025.11.1");
    const bin = path.join(dir, "bin", "cloudflared");
    fs.mkdirSync(path.dirname(bin));
    const install = { url: `file://${source}`, sha256 };

    const first = run(renderInstallBinary(install, bin) + renderCheckVersion(bin));
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe(`installed ${bin}\n2025.11.1\n`);
    expect((fs.statSync(bin).mode & 0o777).toString(8)).toBe("755");

    const second = run(renderInstallBinary(install, bin) + renderCheckVersion(bin));
    expect(second.stdout).toBe(`cloudflared at ${bin} already has sha256 ${sha256}\n2025.11.1\n`);
    expect(fs.readdirSync(path.dirname(bin))).toEqual(["cloudflared"]);

    // A binary that is not the one installed stays.
    expect(run(renderUninstallBinary({ sha256: "0".repeat(64) }, bin)).status).toBe(0);
    expect(fs.existsSync(bin)).toBe(true);
    expect(lastLine(run(renderUninstallBinary(install, bin)).stdout)).toBe(`removed ${bin}`);
    expect(fs.existsSync(bin)).toBe(false);
    expect(run(renderUninstallBinary(install, bin)).status).toBe(0);
  });

  it("refuses a download whose sha256 differs, leaving nothing behind", () => {
    const source = path.join(dir, "download");
    fakeCloudflared(source, "2025.11.1");
    const bin = path.join(dir, "bin", "cloudflared");
    fs.mkdirSync(path.dirname(bin));
    const res = run(renderInstallBinary({ url: `file://${source}`, sha256: "e".repeat(64) }, bin));
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`cloudflared from file://${source} does not have sha256 ${"e".repeat(64)}\n`);
    expect(fs.readdirSync(path.dirname(bin))).toEqual([]);
  });
});
