// The versioned install operation's scripts run for real by bash against a temp folder: a
// "release" is a shell script made by the fetch step. Covers the upgrade (previous kept, older
// pruned), an interrupted install (the running release untouched), facts, and uninstall.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { INSTALL_FACTS, installFactsScript, installScript, uninstallScript, VersionedInstallSpec } from "../../../src/remote/install";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "versioned-install-"));
  fs.mkdirSync(path.join(dir, "bin"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (script: string) => spawnSync("bash", ["-euo", "pipefail", "-c", script], { encoding: "utf8" });
const root = () => path.join(dir, "opt", "tool");
const link = () => path.join(dir, "bin", "tool");

/** A release whose fetch writes bin/tool printing its version; `fetch` overrides that. */
function spec(version: string, fetch?: string): VersionedInstallSpec {
  return {
    tool: "tool",
    version,
    root: root(),
    fetch: fetch ?? `mkdir -p "$partial/bin" && printf '#!/bin/sh\\necho ${version}\\n' > "$partial/bin/tool" && chmod 0755 "$partial/bin/tool"`,
    binary: "bin/tool",
    links: { [link()]: "bin/tool" },
    report: `${link()}`,
  };
}
const ls = () => fs.readdirSync(root()).filter((f) => !f.startsWith(".")).sort();
const current = () => fs.readlinkSync(path.join(root(), "current"));

describe("versioned install", () => {
  it("installs into <root>/<version>, links through current, reports the version; a second run changes nothing", () => {
    const first = run(installScript(spec("1.0.0")));
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout.trim().split("\n").pop()).toBe("1.0.0");
    expect(ls()).toEqual(["1.0.0", "current"]);
    expect(fs.readlinkSync(link())).toBe(`${root()}/current/bin/tool`);
    const second = run(installScript(spec("1.0.0")));
    expect(second.stdout).toBe("tool 1.0.0 already installed\n1.0.0\n");
    expect(run(installFactsScript(spec("1.0.0"))).stdout.trim()).toBe(INSTALL_FACTS);
  });

  it("keeps the previous release for a rollback and removes older ones", () => {
    for (const v of ["1.0.0", "2.0.0"]) expect(run(installScript(spec(v))).status).toBe(0);
    expect(ls()).toEqual(["1.0.0", "2.0.0", "current", "previous"]);
    expect(current()).toBe("2.0.0");
    expect(fs.readlinkSync(path.join(root(), "previous"))).toBe("1.0.0");
    const third = run(installScript(spec("3.0.0")));
    expect(third.stdout).toContain(`removed ${root()}/1.0.0`);
    expect(ls()).toEqual(["2.0.0", "3.0.0", "current", "previous"]);
    expect(run(link()).stdout).toBe("3.0.0\n");
  });

  it("an interrupted install leaves the running release and current untouched; the next run cleans up", () => {
    run(installScript(spec("1.0.0")));
    // The download dies half way: part of the release is there, then the step fails.
    const broken = run(installScript(spec("2.0.0", `mkdir -p "$partial/bin" && echo half > "$partial/bin/half" && exit 7`)));
    expect(broken.status).toBe(7);
    expect(current()).toBe("1.0.0");
    expect(run(link()).stdout).toBe("1.0.0\n");
    expect(ls()).toEqual(["1.0.0", "current"]);
    expect(fs.existsSync(path.join(root(), ".partial-2.0.0"))).toBe(true);
    expect(run(installFactsScript(spec("2.0.0"))).stdout).toBe("installed=no\ncurrent=no\nlinks=ok\n");
    // A release without its binary is refused too.
    expect(run(installScript(spec("2.0.0", `mkdir -p "$partial/bin"`))).stderr).toContain("tool 2.0.0: bin/tool is missing from the release");
    expect(current()).toBe("1.0.0");
    // The next good run installs and removes the leftovers.
    expect(run(installScript(spec("2.0.0"))).status).toBe(0);
    expect(fs.readdirSync(root()).sort()).toEqual(["1.0.0", "2.0.0", "current", "previous"]);
  });

  it("sees a wiped host as not installed; uninstall removes every release, its links and the root", () => {
    run(installScript(spec("1.0.0")));
    run(installScript(spec("2.0.0")));
    fs.rmSync(link());
    expect(run(installFactsScript(spec("2.0.0"))).stdout).toBe("installed=yes\ncurrent=yes\nlinks=missing\n");
    fs.symlinkSync(`${root()}/current/bin/tool`, link());
    const gone = run(uninstallScript(spec("2.0.0")));
    expect(gone.status, gone.stderr).toBe(0);
    expect(fs.existsSync(root())).toBe(false);
    expect(fs.existsSync(link())).toBe(false);
    expect(run(installFactsScript(spec("2.0.0"))).stdout).toBe("installed=no\ncurrent=no\nlinks=missing\n");
    // Safe to run twice, and a link pointing elsewhere stays.
    fs.symlinkSync("/bin/true", link());
    expect(run(uninstallScript(spec("2.0.0"))).status).toBe(0);
    expect(fs.readlinkSync(link())).toBe("/bin/true");
  });
});
