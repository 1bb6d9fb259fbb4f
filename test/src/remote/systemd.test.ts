// The systemd operations: their scripts as golden files, what they register under Pulumi
// mocks, and the scripts run for real by bash against a temp folder, with stand-ins for
// systemctl (logs what it was asked to do) and systemd-analyze (refuses a unit containing
// "Bogus=").
import * as pulumi from "@pulumi/pulumi";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { dropInPath, dropInScripts, restartIfEnabledScript, systemdDropIn, systemdUnit, unitScripts } from "../../../src/remote/systemd";
import { renderUnitFile, UnitSpec } from "../../../src/remote/unit-file";
import { recorder, value } from "../../support/mocks";

const connection = { host: "192.0.2.11", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA" };
const spec: UnitSpec = { sections: { Unit: [["Description", "demo"]] } };
const gatewayHealth = { url: "http://127.0.0.1:18789/health", expect: '"ok": ?true', unit: "openclaw-gateway.service" };
const exporterHealth = {
  url: "http://10.0.0.1:9100/metrics",
  expect: "^node_exporter_build_info\\{",
  unit: "prometheus-node-exporter.service",
};

beforeAll(() => {
  pulumi.runtime.setMocks(
    { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) },
    "openclaw-infra",
    "vps1",
    false,
  );
});

describe("systemdUnit", () => {
  it("renders its scripts (golden files)", async () => {
    const s = unitScripts({ name: "openclaw-gateway.service", healthCheck: gatewayHealth });
    await expect(s.create).toMatchFileSnapshot("golden/systemd/unit-create.sh");
    await expect(s.delete).toMatchFileSnapshot("golden/systemd/unit-delete.sh");
  });

  it("registers those scripts, the content on stdin and the restart triggers", async () => {
    const { opts, find } = recorder();
    systemdUnit("u", { connection, name: "openclaw-gateway.service", spec, restartTriggers: ["abc"], healthCheck: gatewayHealth }, opts);
    const p = find("u").props;
    const s = unitScripts({ name: "openclaw-gateway.service", healthCheck: gatewayHealth });
    expect(await value(p.label)).toBe("unit openclaw-gateway.service");
    expect(await value(p.create)).toBe(s.create);
    expect(await value(p.delete)).toBe(s.delete);
    expect(await value(p.stdin)).toBe(renderUnitFile(spec));
    expect(await value(p.triggers)).toEqual(["abc"]);
    expect(await value(p.check)).toBe(s.check);
    expect(await value(p.observed)).toBe("content=same\nmode=644\nowner=root:root\nenabled=enabled\nactive=active\nfresh=yes");
  });

  it("with start: false, installs the unit without enabling or starting it", async () => {
    const s = unitScripts({ name: "cloudflared.service", start: false });
    await expect(s.create).toMatchFileSnapshot("golden/systemd/unit-create-no-start.sh");
    expect(s.create).not.toMatch(/systemctl (enable|restart|start)/);
    expect(s.delete).toBe(unitScripts({ name: "cloudflared.service" }).delete);
  });

  it("refuses a health check for a unit it does not start, and a name without suffix", () => {
    expect(() => unitScripts({ name: "cloudflared.service", start: false, healthCheck: gatewayHealth })).toThrow(
      "unit cloudflared.service: a unit that is not started (start: false) has no health to wait for",
    );
    expect(() => unitScripts({ name: "cloudflared" })).toThrow(
      "'cloudflared' is not a systemd unit name with its suffix, like foo.service",
    );
  });
});

describe("restartIfEnabledScript (a new release taking over: versionedInstall's activate)", () => {
  it("renders (golden file): the restart and health wait of a unit step, only when the unit is enabled", async () => {
    const s = restartIfEnabledScript("openclaw-gateway.service", gatewayHealth);
    await expect(s).toMatchFileSnapshot("golden/systemd/restart-if-enabled.sh");
    // The unit step's own tail after `systemctl enable`, indented under the is-enabled check.
    const unitTail = unitScripts({ name: "openclaw-gateway.service", healthCheck: gatewayHealth })
      .create.split("systemctl enable")[1]
      .trimEnd()
      .split("\n")
      .slice(1);
    expect(s.split("\n").slice(1, 1 + unitTail.length)).toEqual(unitTail.map((l) => `  ${l}`));
    expect(() => restartIfEnabledScript("gateway")).toThrow("'gateway' is not a systemd unit name with its suffix, like foo.service");
  });
});

describe("systemdDropIn", () => {
  const args = { unit: "prometheus-node-exporter.service", name: "10-openclaw", healthCheck: exporterHealth };

  it("renders its scripts (golden files)", async () => {
    const s = dropInScripts(args);
    await expect(s.create).toMatchFileSnapshot("golden/systemd/drop-in-create.sh");
    await expect(s.delete).toMatchFileSnapshot("golden/systemd/drop-in-delete.sh");
  });

  it("ends like systemdUnit: the same restart and health wait", () => {
    const unitTail = unitScripts({ name: "prometheus-node-exporter.service", healthCheck: exporterHealth })
      .create.split("systemctl enable")[1]
      .split("\n")
      .slice(1)
      .join("\n");
    expect(dropInScripts(args).create.endsWith(unitTail)).toBe(true);
  });

  it("registers the scripts, the content on stdin and the restart triggers", async () => {
    const { opts, find } = recorder();
    systemdDropIn(
      "d",
      { connection, ...args, spec: { sections: { Service: [["ProtectSystem", "strict"]] } }, restartTriggers: ["digest"] },
      opts,
    );
    const p = find("d").props;
    expect(await value(p.label)).toBe("drop-in /etc/systemd/system/prometheus-node-exporter.service.d/10-openclaw.conf");
    expect(await value(p.create)).toBe(dropInScripts(args).create);
    expect(await value(p.delete)).toBe(dropInScripts(args).delete);
    expect(await value(p.stdin)).toBe("[Service]\nProtectSystem=strict\n");
    expect(await value(p.triggers)).toEqual(["digest"]);
  });

  it.each([["10-openclaw.conf"], ["../x"], ["a b"], [""]])("refuses the drop-in name %j", (name) => {
    expect(() => dropInScripts({ unit: "x.service", name })).toThrow(
      `drop-in '${name}' of x.service: the name is a file stem like 10-openclaw (letters, digits, . _ -; no .conf)`,
    );
  });
});

const isRoot = process.getuid?.() === 0;

describe.skipIf(!isRoot)("the scripts run by bash (as root: files are root-owned), with a stand-in systemctl", () => {
  let dir: string;
  let log: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "systemd-primitive-"));
    log = path.join(dir, "systemctl.log");
    fs.mkdirSync(path.join(dir, "bin"));
    // Logs each call; is-enabled/is-active answer what state/<verb> holds (printed unless --quiet),
    // or else $STUB_STATE (1: no by default); show -p X prints state/X.
    fs.mkdirSync(path.join(dir, "state"));
    fs.writeFileSync(
      path.join(dir, "bin", "systemctl"),
      [
        `#!/bin/bash`,
        `echo "$*" >> ${log}`,
        `state=${dir}/state`,
        `case "$1" in`,
        `  is-enabled|is-active)`,
        `    if [ -f "$state/$1" ]; then s=$(cat "$state/$1"); [ "$2" = --quiet ] || echo "$s"; [ "$s" = enabled ] || [ "$s" = active ]`,
        `    else exit \${STUB_STATE:-1}; fi ;;`,
        `  show) cat "$state/$3" 2>/dev/null || true ;;`,
        `esac`,
        ``,
      ].join("\n"),
      { mode: 0o755 },
    );
    // Verifies the unit named last, found first in $SYSTEMD_UNIT_PATH like systemd does.
    fs.writeFileSync(
      path.join(dir, "bin", "systemd-analyze"),
      // Like systemd 257: an unknown directive is a warning naming the file, and exit 0; a missing
      // program is an error naming the unit.
      `#!/bin/bash\nfor a; do unit=$a; done\nd=\${SYSTEMD_UNIT_PATH%%:*}\n` +
        `for f in "$d/$unit" "$d/$unit.d/"*.conf; do if grep -q '^Bogus=' "$f" 2>/dev/null; then echo "$f:2: Unknown key 'Bogus' in section [Service], ignoring."; fi; done\n` +
        `if grep -q '^ExecStart=/nonexistent' "$d/$unit" 2>/dev/null; then echo "$unit: Command /nonexistent is not executable: No such file or directory"; exit 1; fi\n`,
      { mode: 0o755 },
    );
    fs.mkdirSync(path.join(dir, "units"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(script: string, stdin = "", state = "1") {
    const r = spawnSync("bash", ["-euo", "pipefail", "-c", script], {
      input: stdin,
      encoding: "utf8",
      env: { ...process.env, PATH: `${dir}/bin:${process.env.PATH}`, STUB_STATE: state },
    });
    const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
    fs.rmSync(log, { force: true });
    return { ...r, calls };
  }
  const units = () => path.join(dir, "units");
  const dirs = () => ({ units: units(), started: path.join(dir, "started") });
  const setState = (name: string, value: string) => fs.writeFileSync(path.join(dir, "state", name), `${value}\n`);
  const content = "[Service]\nProtectSystem=strict\n";

  it("writes the drop-in 0644 (making its folder), reloads and restarts; a second run writes nothing", () => {
    const s = dropInScripts({ unit: "demo.service", name: "10-openclaw" }, dirs());
    const file = dropInPath("demo.service", "10-openclaw", units());
    const first = run(s.create, content);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe(`wrote ${file}\nrestarted demo.service\n`);
    expect(first.calls).toBe("is-enabled demo.service\ndaemon-reload\nenable --quiet demo.service\nrestart demo.service\n");
    expect(fs.readFileSync(file, "utf8")).toBe(content);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe("644");
    expect((fs.statSync(path.dirname(file)).mode & 0o777).toString(8)).toBe("755");

    const second = run(s.create, content);
    expect(second.stdout).toBe(`unchanged ${file}\nrestarted demo.service\n`);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["10-openclaw.conf"]);
  });

  it("delete removes the drop-in and its emptied folder, and restarts the unit only if it runs", () => {
    const s = dropInScripts({ unit: "demo.service", name: "10-openclaw" }, dirs());
    run(s.create, content);
    const file = dropInPath("demo.service", "10-openclaw", units());
    const gone = run(s.delete, "", "0");
    expect(gone.status, gone.stderr).toBe(0);
    expect(gone.calls).toBe("daemon-reload\nis-active --quiet demo.service\nrestart demo.service\n");
    expect(gone.stdout).toBe(`removed ${file}\nrestarted demo.service without 10-openclaw.conf\n`);
    expect(fs.readdirSync(units())).toEqual([]);
    // Safe to run twice (a destroy retried after a failure); a stopped unit stays stopped.
    const again = run(s.delete, "", "1");
    expect(again.status, again.stderr).toBe(0);
    expect(again.calls).toBe("daemon-reload\nis-active --quiet demo.service\n");
  });

  it("delete keeps the folder when another drop-in is in it", () => {
    const s = dropInScripts({ unit: "demo.service", name: "10-openclaw" }, dirs());
    run(s.create, content);
    fs.writeFileSync(path.join(units(), "demo.service.d", "override.conf"), "[Service]\n");
    expect(run(s.delete).status).toBe(0);
    expect(fs.readdirSync(path.join(units(), "demo.service.d"))).toEqual(["override.conf"]);
  });

  it("a unit with start: false is written and reloaded, and stopped and disabled only if it was enabled or running", () => {
    const s = unitScripts({ name: "demo.service", start: false }, dirs());
    const quiet = run(s.create, "[Unit]\n", "1");
    expect(quiet.status, quiet.stderr).toBe(0);
    expect(quiet.calls).toBe("daemon-reload\nis-enabled --quiet demo.service\nis-active --quiet demo.service\n");
    expect(quiet.stdout).toBe(`wrote ${units()}/demo.service\ndemo.service is installed, neither enabled nor started (start: false)\n`);
    expect(fs.readFileSync(path.join(units(), "demo.service"), "utf8")).toBe("[Unit]\n");

    const wasRunning = run(s.create, "[Unit]\n", "0");
    expect(wasRunning.calls).toBe("daemon-reload\nis-enabled --quiet demo.service\ndisable --now --quiet demo.service\n");
    expect(wasRunning.stdout).toContain("stopped and disabled demo.service\n");
  });

  it("a started unit is written, reloaded, enabled and restarted", () => {
    const s = unitScripts({ name: "demo.service" }, dirs());
    const r = run(s.create, "[Unit]\n");
    expect(r.status, r.stderr).toBe(0);
    expect(r.calls).toBe("is-enabled demo.service\ndaemon-reload\nenable --quiet demo.service\nrestart demo.service\n");
  });

  it("a unit systemd-analyze verify refuses is neither installed nor reloaded, and the current one stays", () => {
    const s = unitScripts({ name: "demo.service" }, dirs());
    run(s.create, "[Service]\nExecStart=/bin/true\n");
    const refused = run(s.create, "[Service]\nBogus=1\n");
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(
      /^systemd-analyze verify rejects .*\/demo\.service; the current one stays:\n.*\/demo\.service:2: Unknown key 'Bogus' in section \[Service\], ignoring\.\n$/,
    );
    // Only the look at whether it is masked: no reload, no restart.
    expect(refused.calls).toBe("is-enabled demo.service\n");
    expect(fs.readFileSync(path.join(units(), "demo.service"), "utf8")).toBe("[Service]\nExecStart=/bin/true\n");
  });

  it("a unit not started here may name a program the host lacks, and nothing else", () => {
    const off = unitScripts({ name: "demo.service", start: false }, dirs());
    expect(run(off.create, "[Service]\nExecStart=/nonexistent\n").status).toBe(0);
    expect(run(off.create, "[Service]\nExecStart=/nonexistent\nBogus=1\n").status).not.toBe(0);
    const on = unitScripts({ name: "demo.service" }, dirs());
    expect(run(on.create, "[Service]\nExecStart=/nonexistent\n").stderr).toContain("demo.service: Command /nonexistent is not executable");
  });

  it("a drop-in systemd-analyze verify refuses leaves the unit alone", () => {
    const s = dropInScripts({ unit: "demo.service", name: "10-openclaw" }, dirs());
    const refused = run(s.create, "[Service]\nBogus=1\n");
    expect(refused.status).not.toBe(0);
    // Only the look at whether it is masked: no reload, no restart.
    expect(refused.calls).toBe("is-enabled demo.service\n");
    expect(fs.existsSync(dropInPath("demo.service", "10-openclaw", units()))).toBe(false);
  });
  it("a masked unit (its package removed and reinstalled, or masked by hand) is unmasked, enabled and restarted once", () => {
    const s = dropInScripts({ unit: "demo.service", name: "10-openclaw" }, dirs());
    setState("is-enabled", "masked");
    const r = run(s.create, content);
    expect(r.status, r.stderr).toBe(0);
    const calls = [
      "is-enabled demo.service",
      "unmask --quiet demo.service",
      "daemon-reload",
      "enable --quiet demo.service",
      "restart demo.service",
    ];
    expect(r.calls).toBe(calls.map((c) => `${c}\n`).join(""));
    expect(r.stdout).toContain("unmasked demo.service\n");
    setState("is-enabled", "masked-runtime");
    expect(run(unitScripts({ name: "demo.service" }, dirs()).create, "[Unit]\n").calls).toContain("unmask --quiet demo.service\n");
    setState("is-enabled", "enabled");
    expect(run(s.create, content).calls).not.toContain("unmask");
  });

  describe("freshness: the files a running service read, compared by content", () => {
    const conf = () => path.join(dir, "app.conf");
    const facts = () => run(dropInScripts({ unit: "demo.service", name: "10-openclaw", reads: [conf()] }, dirs()).check, content).stdout;
    const fresh = () => facts().match(/^fresh=(.*)$/m)?.[1];
    const mtime = (file: string, secondsAgo: number) => fs.utimesSync(file, new Date(), new Date(Date.now() - secondsAgo * 1000));
    beforeEach(() => {
      fs.writeFileSync(conf(), "setting=1\n");
      setState("is-enabled", "enabled");
      setState("is-active", "active");
      setState("InvocationID", "first-start");
      setState("ActiveEnterTimestamp", new Date(Date.now() - 60_000).toUTCString());
      const s = dropInScripts({ unit: "demo.service", name: "10-openclaw", reads: [conf()] }, dirs());
      expect(run(s.create, content).status).toBe(0);
    });

    it("the restart records its invocation and what it read", () => {
      const record = fs.readFileSync(path.join(dir, "started", "demo.service"), "utf8").split("\n");
      expect(record[0]).toBe("first-start");
      expect(record[1]).toMatch(new RegExp(`^[0-9a-f]{64} ${conf()}$`));
      expect(facts()).toBe("content=same\nmode=644\nowner=root:root\nenabled=enabled\nactive=active\nfresh=yes\n");
    });

    it("a mode, owner or mtime change alone leaves it fresh; other content makes it stale; the same content back, fresh again", () => {
      fs.chmodSync(conf(), 0o600);
      mtime(conf(), -3600);
      expect(fresh()).toBe("yes");
      fs.writeFileSync(conf(), "setting=2\n");
      expect(fresh()).toBe(`no: ${conf()} changed after the start`);
      fs.writeFileSync(conf(), "setting=1\n");
      expect(fresh()).toBe("yes");
    });

    it("started by something else (a reboot, an automatic restart): a file modified after that start is stale", () => {
      setState("InvocationID", "second-start");
      fs.writeFileSync(conf(), "setting=2\n");
      mtime(conf(), 120);
      expect(fresh()).toBe("yes");
      mtime(conf(), 0);
      expect(fresh()).toBe(`no: ${conf()} changed after the start`);
    });

    it("a stopped service is not stale, and says so in active=", () => {
      setState("is-active", "inactive");
      fs.writeFileSync(conf(), "setting=2\n");
      expect(facts()).toContain("active=inactive\nfresh=yes\n");
    });
  });
});
