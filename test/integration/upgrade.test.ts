// Gateway upgrades on the real sandbox hosts with the real Pulumi engine: vps2, then vps1 on
// the release line before the jump (openclaw 2026.6.11 on Node 22).
// - First the new release without its Node: refused at preview (engines.node).
// - Then a failed jump: Node 24 and a release that needs it and fails at start, published for
//   the test on the sandbox's npm registry (verdaccio). The `up` fails naming both releases,
//   the gateway answers again on the old release and on the Node that release ran on, the state
//   keeps the old release (the next `up` would try again), and going back to the old release
//   and Node restarts nothing.
// - Then the jump: one config change (node.major and node.version, gateway.version, and the
//   agents in the release's new shape) upgrades to the sandbox's release on Node 24: the state
//   is backed up, the gateway stopped, the new release migrates the state (openclaw doctor),
//   and the gateway is ready on it with the state still there.
//
// The broken release: openclaw@<sandbox release>-broken.N, whose `openclaw` bin is a shell
// script that passes the configuration's checks and the migration and fails at start,
// engines.node ">=24". Verdaccio lets only a known user
// publish and takes no new users (max_users: -1): the test adds a user of its own to the
// htpasswd file named in verdaccio's config (it runs as root on the sandbox machine, as every
// integration test does), publishes with it, and puts the file back as it was. A version
// once published stays in verdaccio's storage (which outlives `sandbox reset`): a later run
// finds it there and publishes nothing.
import { spawnSync } from "child_process";
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { HOSTS_JSON, readSandbox, readVersions } from "../../sandbox/contract";
import { sandboxGatewaySettings } from "../../sandbox/options";
import { writeSandboxStack } from "../../sandbox/stack";
import { changeSummary, curlOn, onHost, printFigures, sandbox, sandboxInfo, SandboxStack, singleGateway, tempBackend } from "./harness";

const GATEWAY = "openclaw-gateway.service";
const ROOT = "/opt/openclaw";
const GOOD = readVersions().openclaw;
const BROKEN = `${GOOD}-broken.4`;
/** The release line before the jump, on the Node it ran on (the tooling's, also on the sandbox's mirror). */
const FROM = { openclaw: "2026.6.11", node: readVersions().node };
const TO = { openclaw: GOOD, node: readVersions().nodeHost };
/** verdaccio's config, as `sandbox up` writes it (its auth.htpasswd.file names the user file). */
const VERDACCIO_CONFIG = path.join(path.dirname(HOSTS_JSON), "verdaccio", "config.yaml");

let backend: string;
let vps1: SandboxStack;
let vps2: SandboxStack;
let address: string;
let registry: string;

/** Figures for the closing note: printed, never asserted. */
const figures: Record<string, string> = {};
const seconds = (s: number) => `${s.toFixed(1)} s`;

/** The gateway's /health, asked on vps1 (the firewall admits only SSH from this machine). */
const health = () => curlOn("vps1", `http://${address}:18789/health`);
const sh = (command: string) => onHost("vps1", command).stdout.trim();
/** A release's folder: the openclaw version and the Node it runs on. */
const folder = (r: { openclaw: string; node: string }) => `${r.openclaw}+node${r.node}`;
/** The Node binary the running gateway was started from, and its version. */
const gatewayNode = () => {
  const exe = sh(`readlink /proc/$(systemctl show -p MainPID --value ${GATEWAY})/exe`);
  return { exe, version: sh(`${exe} --version`) };
};

/** The gateway's state in a line: how many files, and those of its state folder. */
const stateFiles = () => sh('cd /var/lib/openclaw && echo "$(find . -type f | wc -l) files;" $(find ./state -maxdepth 1 -type f | sort)');

/** The host's clock, for journalctl --since. */
const hostNow = () => sh("date '+%Y-%m-%d %H:%M:%S'");

/** How often the gateway was started on vps1 since `since` (host time). */
const startsSince = (since: string) =>
  Number(sh(`journalctl -q --no-pager -o cat -u ${GATEWAY} --since '${since}' | grep -c '^Started ' || true`));

/**
 * Publishes openclaw@BROKEN to the sandbox's verdaccio unless it is there already: a user of
 * the test's own in verdaccio's htpasswd file for the time of `npm publish`, the file put back
 * afterwards. Needs openclaw's metadata cached by verdaccio already (a deploy installed
 * openclaw through it): a first publish of a name the uplink has is refused.
 */
async function publishBrokenRelease(): Promise<string> {
  const url = `${registry}openclaw/${BROKEN}`;
  if ((await fetch(url)).ok) return "already on the registry";
  const htpasswd: string = parse(fs.readFileSync(VERDACCIO_CONFIG, "utf8")).auth.htpasswd.file;
  const before = fs.existsSync(htpasswd) ? fs.readFileSync(htpasswd, "utf8") : undefined;
  const user = "openclaw-infra-upgrade-it";
  const password = randomBytes(18).toString("base64url");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openclaw-broken-"));
  try {
    const others = (before ?? "").split("\n").filter((l) => l && !l.startsWith(`${user}:`));
    fs.writeFileSync(
      htpasswd,
      [...others, `${user}:{SHA}${createHash("sha1").update(password).digest("base64")}:upgrade.test.ts`, ""].join("\n"),
    );
    const pkg = path.join(dir, "package");
    fs.mkdirSync(pkg);
    fs.writeFileSync(
      path.join(pkg, "package.json"),
      JSON.stringify(
        {
          name: "openclaw",
          version: BROKEN,
          description: "A build of openclaw that fails at start, for openclaw-infra's upgrade test",
          license: "MIT",
          bin: { openclaw: "openclaw.sh" },
          engines: { node: ">=24" },
        },
        null,
        2,
      ),
    );
    // Its checks of a configuration pass (the deploy runs them before it switches releases), and
    // its migration; its start fails.
    const script = [
      "#!/bin/sh",
      'case "$*" in',
      `  "config validate --json") echo '{"valid":true}'; exit 0 ;;`,
      `  "security audit --json") echo '{"summary":{"critical":0,"warn":0,"info":0},"findings":[]}'; exit 0 ;;`,
      `  "doctor --fix --non-interactive") echo "nothing to migrate"; exit 0 ;;`,
      "esac",
      `echo "openclaw ${BROKEN}: a build made to fail at start" >&2`,
      "exit 1",
      "",
    ];
    fs.writeFileSync(path.join(pkg, "openclaw.sh"), script.join("\n"), { mode: 0o755 });
    const npmrc = path.join(dir, "npmrc");
    fs.writeFileSync(npmrc, `${registry.replace(/^https?:/, "")}:_auth=${Buffer.from(`${user}:${password}`).toString("base64")}\n`, {
      mode: 0o600,
    });
    // A prerelease needs a tag of its own; `latest` stays where the upstream registry has it.
    const r = spawnSync("npm", ["publish", pkg, "--registry", registry, "--tag", "upgrade-it", "--userconfig", npmrc], {
      encoding: "utf8",
      cwd: dir,
    });
    if (r.status !== 0) throw new Error(`npm publish openclaw@${BROKEN} to ${registry} failed:\n${r.stdout}\n${r.stderr}`);
  } finally {
    if (before === undefined) fs.rmSync(htpasswd, { force: true });
    else fs.writeFileSync(htpasswd, before);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const manifest = await fetch(url);
  if (!manifest.ok) throw new Error(`openclaw@${BROKEN} published, but GET ${url} answers ${manifest.status}`);
  return "published";
}

beforeAll(async () => {
  const info = sandboxInfo();
  address = info.hosts.vps1.address;
  registry = info.npmRegistry.endsWith("/") ? info.npmRegistry : `${info.npmRegistry}/`;
  figures["sandbox reset (both hosts)"] = seconds(sandbox("reset", "all").seconds);
  backend = tempBackend();
  // This file deploys on the provider's private network (the bridge), the other sandbox
  // network (topology.privateNetwork: provider); every other file runs over WireGuard.
  vps2 = new SandboxStack("vps2", backend);
  // One gateway instance, as a host deployed before instances existed: the upgrade of a single gateway.
  vps2.createWithSecrets((file) => {
    writeSandboxStack("vps2", file, readSandbox(), "provider");
    singleGateway(file);
  });
  vps1 = new SandboxStack("vps1", backend);
  // vps1 starts on the release line before the jump.
  vps1.createWithSecrets((file) => {
    writeSandboxStack("vps1", file, readSandbox(), "provider");
    singleGateway(file);
    const doc = parse(fs.readFileSync(file, "utf8"));
    doc.config["openclaw-infra:node"] = { major: Number(FROM.node.split(".")[0]), version: FROM.node };
    const gateway = doc.config["openclaw-infra:gateway"];
    doc.config["openclaw-infra:gateway"] = { ...gateway, version: FROM.openclaw, settings: sandboxGatewaySettings(FROM.openclaw) };
    fs.writeFileSync(file, stringify(doc));
  });
  for (const stack of [vps2, vps1]) figures[`fresh up ${stack.host}`] = seconds(stack.up().seconds);
  figures[`openclaw@${BROKEN}`] = await publishBrokenRelease();
});

afterAll(() => {
  printFigures("upgrade", figures);
  if (backend) fs.rmSync(backend, { recursive: true, force: true });
});

const NOTE = "/var/lib/openclaw/workspace/upgrade-note.md";

describe(`a failed jump: openclaw ${BROKEN} on Node ${TO.node}, whose start fails`, () => {
  it(`runs ${FROM.openclaw} on Node ${FROM.node} from its own folder, with state of its own`, () => {
    expect(sh(`readlink ${ROOT}/current`)).toBe(folder(FROM));
    expect(sh(`systemctl show -p ExecStart --value ${GATEWAY}`)).toContain(`${ROOT}/current/bin/openclaw gateway `);
    expect(gatewayNode()).toEqual({ exe: `${ROOT}/${folder(FROM)}/node/bin/node`, version: `v${FROM.node}` });
    expect(JSON.parse(health().body)).toMatchObject({ ok: true });
    // The provider's network: no WireGuard interface on either host.
    for (const host of ["vps1", "vps2"]) expect(onHost(host, "ip link show wg0").code).not.toBe(0);
    sh(
      `install -d -o openclaw -g openclaw /var/lib/openclaw/workspace && echo 'written on ${FROM.openclaw}' > ${NOTE} && chown openclaw: ${NOTE}`,
    );
    figures[`state on ${FROM.openclaw}`] = stateFiles();
  });

  it(`refuses at preview ${TO.openclaw} on Node ${FROM.node}, naming the node.major it needs`, () => {
    vps1.ok(["config", "set", "--path", "gateway.version", TO.openclaw]);
    const r = vps1.pulumi(["preview"]);
    vps1.ok(["config", "set", "--path", "gateway.version", FROM.openclaw]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain(
      `openclaw@${TO.openclaw} needs node >=24.16.0 <25 || >=26.1.0, but NodeRuntime installs ${FROM.node}; set node.major: 24`,
    );
    // Back on the release it runs: nothing to do.
    expect(vps1.previewSteps()).toEqual([]);
  });

  it("fails the up naming both releases, after putting back the old release and the Node it ran on", () => {
    vps1.ok(["config", "set", "--path", "node.major", TO.node.split(".")[0]]);
    vps1.ok(["config", "set", "--path", "node.version", TO.node]);
    vps1.ok(["config", "set", "--path", "gateway.version", BROKEN]);
    const up = vps1.pulumi(["up", "--yes", "--skip-preview", "--diff"]);
    figures["failed up with its rollback"] = seconds(up.seconds);
    const out = up.stdout + up.stderr;
    expect(up.code, out).not.toBe(0);
    const failed = folder({ openclaw: BROKEN, node: TO.node });
    expect(out).toContain(`openclaw ${failed} failed its health check; rolled back to ${folder(FROM)}, which answers /readyz`);
    // Followed by the journal of the failed start.
    expect(out).toContain(`openclaw ${BROKEN}: a build made to fail at start`);

    expect(JSON.parse(health().body)).toMatchObject({ ok: true });
    expect(sh(`systemctl is-active ${GATEWAY}`)).toBe("active");
    expect(sh(`readlink ${ROOT}/current`)).toBe(folder(FROM));
    // The gateway runs on the Node its release ran on; the host's node moved on (NodeRuntime's step succeeded).
    expect(gatewayNode()).toEqual({ exe: `${ROOT}/${folder(FROM)}/node/bin/node`, version: `v${FROM.node}` });
    expect(sh("/usr/local/bin/node --version")).toBe(`v${TO.node}`);
    // The running gateway was started after `current` went back: it runs the old release.
    const started = Number(sh(`date -d "$(systemctl show -p ActiveEnterTimestamp --value ${GATEWAY})" +%s`));
    expect(started).toBeGreaterThanOrEqual(Number(sh(`stat -c %Y ${ROOT}/current`)));
    expect(sh(`cat ${NOTE}`)).toBe(`written on ${FROM.openclaw}`);
    // The failed release stays on disk for the next try, with its Node.
    expect(sh(`${ROOT}/${failed}/node/bin/node --version`)).toBe(`v${TO.node}`);
  });

  it("keeps the old release in the state: a preview with the failed release plans its install again, and the unit the up did not reach", () => {
    // The unit changes with the release line (2026.9's read-only config switch replaces 2026.6's).
    expect(vps1.previewSteps()).toEqual([
      { op: "update", name: "vps1-gateway-install" },
      { op: "update", name: "vps1-gateway-unit" },
    ]);
  });

  it("back to the old release and Node: the old release's checks of openclaw.json, nothing restarted", () => {
    vps1.ok(["config", "set", "--path", "node.major", FROM.node.split(".")[0]]);
    vps1.ok(["config", "set", "--path", "node.version", FROM.node]);
    vps1.ok(["config", "set", "--path", "gateway.version", FROM.openclaw]);
    // The host's node goes back; the backup before an upgrade ran for the failed release, and
    // going back is a change of version for it too; openclaw.json is audited and validated
    // again by the release that runs it (on disk). The install is where it was and the file is
    // the same: nothing to restart.
    const steps = vps1.previewSteps();
    figures["steps back to the old release"] = steps.map((s) => `${s.op} ${s.name}`).join(", ");
    expect(steps).toEqual([
      { op: "update", name: "vps1-gateway-audit" },
      { op: "update", name: "vps1-gateway-config" },
      { op: "update", name: "vps1-gateway-release" },
      { op: "update", name: "vps1-node-install" },
      { op: "update", name: "vps1-state-backup-before-upgrade" },
    ]);
    const since = hostNow();
    const up = vps1.up();
    figures["up back on the old release"] = seconds(up.seconds);
    expect(changeSummary(up.stdout), up.stdout).toMatchObject({ updated: 5 });
    expect(startsSince(since)).toBe(0);
    expect(vps1.previewSteps()).toEqual([]);
    expect(JSON.parse(health().body)).toMatchObject({ ok: true });
    expect(sh(`readlink ${ROOT}/current`)).toBe(folder(FROM));
    expect(sh("/usr/local/bin/node --version")).toBe(`v${FROM.node}`);
  });
});

describe(`the jump from openclaw ${FROM.openclaw} on Node ${FROM.node} to ${TO.openclaw} on Node ${TO.node}`, () => {
  it("is one config change: state backed up, then the gateway stopped, the state migrated by the new release, ready on it; the state still there", () => {
    const since = hostNow();
    vps1.ok(["config", "set", "--path", "node.major", TO.node.split(".")[0]]);
    vps1.ok(["config", "set", "--path", "node.version", TO.node]);
    vps1.ok(["config", "set", "--path", "gateway.version", TO.openclaw]);
    // The release's own schema moved agents from a list to keyed entries: the settings move with it.
    vps1.ok(["config", "rm", "--path", "gateway.settings.agents.list"]);
    vps1.ok(["config", "set", "--path", "gateway.settings.agents.entries.main.name", "Main"]);
    const up = vps1.up();
    figures[`up ${FROM.openclaw} -> ${TO.openclaw}`] = seconds(up.seconds);

    expect(sh(`readlink ${ROOT}/current`)).toBe(folder(TO));
    expect(sh(`readlink ${ROOT}/previous`)).toBe(folder(FROM));
    expect(gatewayNode()).toEqual({ exe: `${ROOT}/${folder(TO)}/node/bin/node`, version: `v${TO.node}` });
    expect(sh("/usr/local/bin/node --version")).toBe(`v${TO.node}`);
    expect(sh(`systemctl is-active ${GATEWAY}`)).toBe("active");
    expect(curlOn("vps1", `http://${address}:18789/readyz`).body).toMatch(/"ready": ?true/);
    expect(sh(`cat ${NOTE}`)).toBe(`written on ${FROM.openclaw}`);
    // In the host's journal, in order: the state backup done, the gateway stopped, the new
    // release's migration, the gateway started.
    const journal = sh(`journalctl -q --no-pager -o cat --since '${since}' -u restic-state-backup.service -u ${GATEWAY} || true`);
    const at = (pattern: RegExp) => journal.split("\n").findIndex((l) => pattern.test(l));
    const backedUp = at(/Finished restic-state-backup\.service|restic-state-backup\.service: Deactivated successfully/);
    const stopped = at(/Stopping openclaw-gateway\.service/);
    const lines = journal.split("\n");
    const started = Math.max(-1, ...lines.map((l, n) => (/Started openclaw-gateway\.service/.test(l) ? n : -1)));
    expect(backedUp, journal).toBeGreaterThanOrEqual(0);
    expect(stopped, journal).toBeGreaterThan(backedUp);
    expect(started, journal).toBeGreaterThan(stopped);
    const doctor = sh(`journalctl -q --no-pager -o cat --since '${since}' -t openclaw-doctor`);
    // Its changes and notes are the lines it lists with "- ".
    const changes = [...new Set(doctor.split("\n").filter((l) => l.startsWith("- ")))];
    figures["what the migration (openclaw doctor --fix --non-interactive) did"] = changes.join(" ") || "nothing";
    figures[`state on ${TO.openclaw}`] = stateFiles();
    expect(vps1.previewSteps()).toEqual([]);
  });
});
