// The first step on a host: /etc/os-release against the supported systems, run by real bash
// with os-release files of its own (Debian 13's and 12's, Ubuntu's, none).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { checkScript, factsScript } from "../../../components/host-system/render";
import { systemOptionsSchema } from "../../../components/host-system/schema";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "os-release-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const RELEASES: Record<string, string> = {
  trixie: 'PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nNAME="Debian GNU/Linux"\nVERSION_ID="13"\nVERSION_CODENAME=trixie\nID=debian\n',
  bookworm: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n',
  noble: 'PRETTY_NAME="Ubuntu 24.04.1 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\nID_LIKE=debian\n',
};

function run(script: string) {
  const r = spawnSync("bash", ["-euo", "pipefail", "-c", script], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

function file(name: string): string {
  const at = path.join(dir, name);
  if (RELEASES[name]) fs.writeFileSync(at, RELEASES[name]);
  return at;
}

const strict = systemOptionsSchema.parse({});

describe("the supported-system step", () => {
  it("passes Debian 13 and prints its name", () => {
    expect(run(checkScript("vps1", strict, file("trixie")))).toEqual({ code: 0, stdout: "Debian GNU/Linux 13 (trixie)", stderr: "" });
  });
  it("refuses Debian 12 and Ubuntu in one line naming the host, its system and what is supported", () => {
    expect(run(checkScript("vps1", strict, file("bookworm")))).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "vps1 runs Debian GNU/Linux 12 (bookworm): openclaw-infra supports Debian 13 (trixie); set system.allowUnsupported to try it anyway",
    });
    expect(run(checkScript("vps2", strict, file("noble"))).stderr).toBe(
      "vps2 runs Ubuntu 24.04.1 LTS: openclaw-infra supports Debian 13 (trixie); set system.allowUnsupported to try it anyway",
    );
  });
  it("refuses a host without /etc/os-release, saying so", () => {
    expect(run(checkScript("vps1", strict, path.join(dir, "missing"))).stderr).toBe(
      `vps1 runs an unknown system (no ${path.join(dir, "missing")}): openclaw-infra supports Debian 13 (trixie); set system.allowUnsupported to try it anyway`,
    );
  });
  it("with allowUnsupported, goes on with a warning", () => {
    const r = run(checkScript("vps1", systemOptionsSchema.parse({ allowUnsupported: true }), file("noble")));
    expect(r).toEqual({
      code: 0,
      stdout: "Ubuntu 24.04.1 LTS",
      stderr: "warning: vps1 runs Ubuntu 24.04.1 LTS: openclaw-infra supports Debian 13 (trixie) (system.allowUnsupported: true)",
    });
  });
  it("tells refresh whether the host still runs a supported system", () => {
    expect(run(factsScript(file("trixie"))).stdout).toBe("supported=yes");
    expect(run(factsScript(file("bookworm"))).stdout).toBe("supported=no");
  });
});
