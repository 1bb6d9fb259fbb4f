// The versioned install operation's scripts run for real by bash against a temp folder: a
// "release" is a shell script made by the fetch step. Covers the upgrade (previous kept, older
// pruned), an interrupted install (the running release untouched), facts, and uninstall; then,
// with an activation on a fake host (systemctl, curl, journalctl stand-ins), the restart onto a
// new release and the rollback when it fails its health check.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  fetchScript,
  INSTALL_FACTS,
  installFactsScript,
  installScript,
  uninstallScript,
  VersionedInstallSpec,
} from "../../../src/remote/install";
import { restartIfEnabledScript } from "../../../src/remote/systemd";
import { FakeHost, fakeHost } from "../../support/fake-host";

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
    fetch:
      fetch ?? `mkdir -p "$partial/bin" && printf '#!/bin/sh\\necho ${version}\\n' > "$partial/bin/tool" && chmod 0755 "$partial/bin/tool"`,
    binary: "bin/tool",
    links: { [link()]: "bin/tool" },
    report: `${link()}`,
  };
}
const ls = () =>
  fs
    .readdirSync(root())
    .filter((f) => !f.startsWith("."))
    .sort();
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

  it("fetches a release beside the running one without switching to it; the install then finds it in place", () => {
    expect(run(installScript(spec("1.0.0"))).status).toBe(0);
    const fetched = run(fetchScript(spec("2.0.0")));
    expect(fetched.status, fetched.stderr).toBe(0);
    expect(fetched.stdout).toBe(`installed tool 2.0.0 in ${root()}/2.0.0\n`);
    expect(ls()).toEqual(["1.0.0", "2.0.0", "current"]);
    expect(current()).toBe("1.0.0");
    expect(run(link()).stdout).toBe("1.0.0\n");
    expect(run(fetchScript(spec("2.0.0"))).stdout).toBe("tool 2.0.0 already installed\n");
    const installed = run(installScript(spec("2.0.0")));
    expect(installed.stdout.split("\n")[0]).toBe("tool 2.0.0 already installed");
    expect(current()).toBe("2.0.0");
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
    expect(run(installScript(spec("2.0.0", `mkdir -p "$partial/bin"`))).stderr).toContain(
      "tool 2.0.0: bin/tool is missing from the release",
    );
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

// Activation and rollback, deploy-rs style: the install script with `activate` set to what the
// gateway uses (restart the unit if enabled, wait for health), run under bash on a fake host.
describe("versioned install with an activation (restart, health, rollback)", () => {
  const health = { url: "http://127.0.0.1:18789/health", expect: '"ok": ?true', unit: "demo.service", timeoutSeconds: 3 };
  const activate = { script: restartIfEnabledScript("demo.service", health), answers: "/health" };
  let host: FakeHost;
  beforeEach(() => (host = fakeHost()));
  afterEach(() => host.cleanup());

  const spec = (version: string, broken = false): VersionedInstallSpec => ({
    tool: "tool",
    version,
    root: host.root,
    fetch: host.release(version, { broken }),
    binary: "bin/tool",
    activate,
  });
  /** Installs each version in turn, each healthy. */
  const upgradeThrough = (...versions: string[]) => {
    for (const v of versions) {
      const r = host.run(installScript(spec(v)));
      expect(r.status, r.stderr).toBe(0);
    }
    host.calls();
  };
  const firstLine = (text: string) => text.split("\n")[0];

  it("on a host without the unit yet (first deploy), switches current and restarts nothing", () => {
    const r = host.run(installScript(spec("1.0.0")));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("demo.service is not enabled yet: its unit step starts it\n");
    expect(host.calls()).toBe("is-enabled --quiet demo.service\n");
    expect(host.link("current")).toBe("1.0.0");
    expect(r.stdout.trim().split("\n").pop()).toBe("1.0.0");
  });

  it("a healthy upgrade restarts the unit onto the new release once, keeps the previous one and rolls nothing back", () => {
    host.enable();
    upgradeThrough("1.0.0");
    const r = host.run(installScript(spec("2.0.0")));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(host.calls()).toBe("is-enabled --quiet demo.service\nrestart demo.service\n");
    expect(r.stdout).toContain(
      'current tool: 2.0.0 (previous: 1.0.0)\nrestarted demo.service\nhealthy after 1s: {"ok": true, "ready": true}\n',
    );
    expect(r.stdout).not.toContain("again");
    expect(r.stdout.trim().split("\n").pop()).toBe("2.0.0");
    expect([host.link("current"), host.link("previous"), host.running()]).toEqual(["2.0.0", "1.0.0", "2.0.0"]);
  });

  it("a release failing its health check is rolled back: links as before, the old release started again, exit 1 naming both", () => {
    host.enable();
    upgradeThrough("1.0.0", "2.0.0");
    const r = host.run(installScript(spec("3.0.0", true)));
    expect(r.status).toBe(1);
    expect(firstLine(r.stderr)).toBe("tool 3.0.0 failed its health check; rolled back to 2.0.0, which answers /health");
    // Then the tail of the failed start: its journal.
    expect(r.stderr).toContain("3.0.0: cannot start (a broken build)\n");
    expect(r.stderr.split("\n").length).toBeLessThanOrEqual(30);
    expect(r.stdout).toContain("current tool: 2.0.0 again (3.0.0 failed its health check)\n");
    expect(host.calls()).toBe(
      "is-enabled --quiet demo.service\nrestart demo.service\nshow -p SubState --value demo.service\nis-enabled --quiet demo.service\nrestart demo.service\n",
    );
    expect([host.link("current"), host.link("previous"), host.running()]).toEqual(["2.0.0", "1.0.0", "2.0.0"]);
    // Nothing pruned: the failed release stays for the next try, the older one stays too.
    expect(host.releases()).toEqual(["1.0.0", "2.0.0", "3.0.0"]);
    expect(host.run(installFactsScript(spec("3.0.0"))).stdout).toBe("installed=yes\ncurrent=no\nlinks=ok\n");
  });

  it("the next run after a rollback tries the same release again from disk, then takes it once it is healthy", () => {
    host.enable();
    upgradeThrough("1.0.0", "2.0.0");
    expect(host.run(installScript(spec("3.0.0", true))).status).toBe(1);
    // Tried again, still failing: the same rollback, no second swap (previous is still 1.0.0).
    const again = host.run(installScript(spec("3.0.0", true)));
    expect(again.status).toBe(1);
    expect(again.stdout).toContain("tool 3.0.0 already installed\n");
    expect(firstLine(again.stderr)).toBe("tool 3.0.0 failed its health check; rolled back to 2.0.0, which answers /health");
    expect([host.link("current"), host.link("previous"), host.running()]).toEqual(["2.0.0", "1.0.0", "2.0.0"]);
    // Healthy now (say, a dependency fixed on the host): the switch holds and the pruning resumes.
    host.mark("3.0.0", "broken", false);
    host.calls();
    const fixed = host.run(installScript(spec("3.0.0")));
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(host.calls()).toBe("is-enabled --quiet demo.service\nrestart demo.service\n");
    expect([host.link("current"), host.link("previous"), host.running()]).toEqual(["3.0.0", "2.0.0", "3.0.0"]);
    expect(host.releases()).toEqual(["2.0.0", "3.0.0"]);
    expect(host.fetches()).toBe("fetched 1.0.0\nfetched 2.0.0\nfetched 3.0.0\n");
  });

  it("takes no action for the release that is already current, healthy or not: nothing restarted, nothing swapped", () => {
    host.enable();
    upgradeThrough("1.0.0", "2.0.0");
    host.mark("2.0.0", "broken");
    const r = host.run(installScript(spec("2.0.0")));
    expect(r.status, r.stderr).toBe(0);
    expect(host.calls()).toBe("");
    expect([host.link("current"), host.link("previous")]).toEqual(["2.0.0", "1.0.0"]);
  });

  it("a failed first install (no earlier release) fails as a plain health check failure, without a rollback", () => {
    host.enable();
    const r = host.run(installScript(spec("1.0.0", true)));
    expect(r.status).toBe(1);
    expect(firstLine(r.stderr)).toBe("tool 1.0.0 failed its health check; there is no earlier release to roll back to");
    expect(r.stderr).toContain(
      "demo.service is not healthy at http://127.0.0.1:18789/health after 1s; last journal lines:\n1.0.0: cannot start (a broken build)\n",
    );
    expect(r.stderr).not.toContain("rolled back");
    expect(host.calls()).toBe("is-enabled --quiet demo.service\nrestart demo.service\nshow -p SubState --value demo.service\n");
    expect([host.link("current"), host.link("previous")]).toEqual(["1.0.0", ""]);
  });

  it("rolls back a release systemd cannot start at all (the restart itself fails)", () => {
    host.enable();
    upgradeThrough("1.0.0", "2.0.0");
    const r = host.run(installScript({ ...spec("3.0.0"), fetch: host.release("3.0.0", { noStart: true }) }));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "tool 3.0.0 failed its health check; rolled back to 2.0.0, which answers /health\nJob for demo.service failed because the control process exited with error code.\n",
    );
    expect([host.link("current"), host.link("previous"), host.running()]).toEqual(["2.0.0", "1.0.0", "2.0.0"]);
  });

  it("rolling back from a host with a single release leaves no previous link, as before", () => {
    host.enable();
    upgradeThrough("1.0.0");
    expect(host.run(installScript(spec("2.0.0", true))).status).toBe(1);
    expect([host.link("current"), host.link("previous"), host.running()]).toEqual(["1.0.0", "", "1.0.0"]);
    expect(host.releases()).toEqual(["1.0.0", "2.0.0"]);
  });

  it("does not roll back to a release that is no longer on disk", () => {
    host.enable();
    upgradeThrough("1.0.0");
    fs.rmSync(path.join(host.root, "1.0.0"), { recursive: true });
    const r = host.run(installScript(spec("2.0.0", true)));
    expect(r.status).toBe(1);
    expect(firstLine(r.stderr)).toBe("tool 2.0.0 failed its health check; there is no earlier release to roll back to");
    expect(host.link("current")).toBe("2.0.0");
  });

  it("a rollback whose own restart fails too: exit 1, saying so, with the tail of both starts", () => {
    host.enable();
    upgradeThrough("1.0.0", "2.0.0");
    host.mark("2.0.0", "no-start");
    const r = host.run(installScript(spec("3.0.0", true)));
    expect(r.status).toBe(1);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe("tool 3.0.0 failed its health check; rolled back to 2.0.0, which does not answer /health either");
    expect(lines).toContain("3.0.0:");
    expect(lines).toContain("3.0.0: cannot start (a broken build)");
    expect(lines.slice(lines.indexOf("2.0.0:"))).toEqual([
      "2.0.0:",
      "Job for demo.service failed because the control process exited with error code.",
    ]);
    expect(lines.length).toBeLessThanOrEqual(30);
    // The links are back all the same: the release that ran before is what a fixed host starts.
    expect([host.link("current"), host.link("previous")]).toEqual(["2.0.0", "1.0.0"]);
  });
});
