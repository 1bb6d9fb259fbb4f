// Pinned gateway plugins: the stack config's schema, the preview's look-up of each pin on an
// npm registry (a local server in the registry's layout) and its host ranges, and the host step
// run by real bash on a host in a temp folder: stand-ins for systemctl, logger and chown, a
// fake `openclaw` that installs as the real one lays plugins out (an npm project per package,
// ClawHub's under extensions/, the openclaw peer linked to the release that ran it), releases
// whose Node is this test's.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  checkPluginHostRange,
  lookUpPlugin,
  parsePluginSpec,
  PinnedPlugins,
  pinsDiagnosticsOtel,
  pluginFactsObserved,
  pluginProblems,
  pluginsSchema,
  renderPluginFacts,
  renderPluginInstallScript,
} from "../../../components/gateway-service/plugins";
import { gatewayConfig } from "../../../components/gateway-service/render";
import { gatewayInstances, gatewayOptionsSchema } from "../../../components/gateway-service/schema";
import { JsonObject } from "../../../components/gateway-service/settings";

/** The issues pluginsSchema raises for `value`: [path, message]. */
const issues = (value: unknown) => {
  const r = pluginsSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => [i.path.join("."), i.message]);
};

describe("the plugins schema", () => {
  it("accepts npm and ClawHub pins at exact versions", () => {
    const pins = { "npm:@openclaw/irc": "2026.9.5", "clawhub:@openclaw/diagnostics-otel": "2026.9.6", "npm:left-pad": "2026.5.3-1" };
    expect(pluginsSchema.parse(pins)).toEqual(pins);
    expect(pluginsSchema.parse({})).toEqual({});
    expect(parsePluginSpec("clawhub:@openclaw/diagnostics-otel")).toEqual({ source: "clawhub", name: "@openclaw/diagnostics-otel" });
  });

  it("refuses bare, git, path and archive specs, naming the key", () => {
    expect(issues({ "@openclaw/irc": "2026.9.5", "git:github.com/o/p": "1.0.0", "./my-plugin": "1.0.0", "npm:": "1.0.0" })).toEqual([
      ["", '"@openclaw/irc" must be npm:<package> or clawhub:<package> (git, path, archive and bare specs are not supported)'],
      ["", '"git:github.com/o/p" must be npm:<package> or clawhub:<package> (git, path, archive and bare specs are not supported)'],
      ["", '"./my-plugin" must be npm:<package> or clawhub:<package> (git, path, archive and bare specs are not supported)'],
      ["", '"npm:": "" is not an npm package name (lowercase, URL-safe, at most 214 characters)'],
    ]);
  });

  it("refuses a package name npm would not publish, and a version in the key", () => {
    expect(issues({ "npm:@OpenClaw/IRC": "2026.9.5", "npm:../x": "1.0.0", "npm:@openclaw/irc@2026.9.5": "2026.9.5" })).toEqual([
      ["", '"npm:@OpenClaw/IRC": "@OpenClaw/IRC" is not an npm package name (lowercase, URL-safe, at most 214 characters)'],
      ["", '"npm:../x": "../x" is not an npm package name (lowercase, URL-safe, at most 214 characters)'],
      ["", '"npm:@openclaw/irc@2026.9.5": the version goes in the value, as "npm:@openclaw/irc": "2026.9.5"'],
    ]);
  });

  it("refuses ranges, tags and partial versions", () => {
    expect(
      issues({
        "npm:a": "^2026.9.5",
        "npm:b": "latest",
        "npm:c": "2026.9",
        "npm:d": ">=1.0.0",
        "npm:e": "2026.09.5",
        "npm:f": "1.0.0+build",
      }),
    ).toEqual(
      [
        ["a", "^2026.9.5"],
        ["b", "latest"],
        ["c", "2026.9"],
        ["d", ">=1.0.0"],
        ["e", "2026.09.5"],
        ["f", "1.0.0+build"],
      ].map(([k, v]) => ["", `"npm:${k}" must be pinned to an exact version like 2026.9.5, not "${v}" (no ranges or tags)`]),
    );
  });

  it("refuses a package pinned from both sources", () => {
    expect(issues({ "npm:@openclaw/irc": "2026.9.5", "clawhub:@openclaw/irc": "2026.9.5" })).toEqual([
      ["", '"clawhub:@openclaw/irc": @openclaw/irc is pinned twice (also as "npm:@openclaw/irc")'],
    ]);
  });

  it("names the key in the stack config, nested as the gateway's options nest it", () => {
    const r = gatewayOptionsSchema.safeParse({ plugins: { "npm:@openclaw/irc": "latest" } });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["plugins", '"npm:@openclaw/irc" must be pinned to an exact version like 2026.9.5, not "latest" (no ranges or tags)'],
    ]);
  });
});

/** @openclaw/irc@2026.9.5 as the npm registry has it. */
const IRC = {
  name: "@openclaw/irc",
  version: "2026.9.5",
  peerDependencies: { openclaw: ">=2026.9.5" },
  openclaw: { install: { minHostVersion: ">=2026.6.9" }, compat: { pluginApi: ">=2026.9.5" } },
};

describe("a plugin version's host ranges", () => {
  it("admits a gateway every declared range admits, and a plugin that declares none", () => {
    expect(checkPluginHostRange(IRC, "2026.9.5")).toEqual([]);
    expect(checkPluginHostRange(IRC, "2026.9.6")).toEqual([]);
    expect(checkPluginHostRange({ name: "x", version: "1.0.0" }, "2026.9.6")).toEqual([]);
  });

  it("names each range that excludes the gateway, with the fields declaring it", () => {
    expect(checkPluginHostRange(IRC, "2026.9.4")).toEqual([
      "npm:@openclaw/irc@2026.9.5 needs openclaw >=2026.9.5 (peerDependencies.openclaw, openclaw.compat.pluginApi); gateway.version is 2026.9.4",
    ]);
    expect(checkPluginHostRange(IRC, "2026.6.8")).toEqual([
      "npm:@openclaw/irc@2026.9.5 needs openclaw >=2026.9.5 (peerDependencies.openclaw, openclaw.compat.pluginApi); gateway.version is 2026.6.8",
      "npm:@openclaw/irc@2026.9.5 needs openclaw >=2026.6.9 (openclaw.install.minHostVersion); gateway.version is 2026.6.8",
    ]);
  });

  it("checks each of the three fields on its own", () => {
    const only = (m: Partial<typeof IRC>) => checkPluginHostRange({ name: "@openclaw/irc", version: "2026.9.5", ...m }, "2026.9.4");
    expect(only({ peerDependencies: { openclaw: ">=2026.9.5" } })).toEqual([
      "npm:@openclaw/irc@2026.9.5 needs openclaw >=2026.9.5 (peerDependencies.openclaw); gateway.version is 2026.9.4",
    ]);
    expect(only({ openclaw: { install: { minHostVersion: ">=2026.9.5" }, compat: {} } } as Partial<typeof IRC>)).toEqual([
      "npm:@openclaw/irc@2026.9.5 needs openclaw >=2026.9.5 (openclaw.install.minHostVersion); gateway.version is 2026.9.4",
    ]);
    expect(only({ openclaw: { compat: { pluginApi: ">=2026.9.5" } } } as Partial<typeof IRC>)).toEqual([
      "npm:@openclaw/irc@2026.9.5 needs openclaw >=2026.9.5 (openclaw.compat.pluginApi); gateway.version is 2026.9.4",
    ]);
    // An upper bound excludes too; a bare minHostVersion (legacy) is a floor, not an exact version.
    expect(only({ peerDependencies: { openclaw: ">=2026.6.0 <2026.9.0" } })).toEqual([
      "npm:@openclaw/irc@2026.9.5 needs openclaw >=2026.6.0 <2026.9.0 (peerDependencies.openclaw); gateway.version is 2026.9.4",
    ]);
    expect(only({ openclaw: { install: { minHostVersion: "2026.6.9" } } } as Partial<typeof IRC>)).toEqual([]);
    // Not a range semver reads: left to the host.
    expect(only({ peerDependencies: { openclaw: "workspace:*" } })).toEqual([]);
  });

  it("judges date-stamped prereleases and corrections as the host does", () => {
    // A correction (2026.9.5-1) is the release it corrects, for every field.
    expect(checkPluginHostRange(IRC, "2026.9.5-1")).toEqual([]);
    // A beta after the floor's release is in range (prereleases included)...
    expect(checkPluginHostRange(IRC, "2026.9.6-beta.1")).toEqual([]);
    // ...a beta of the floor's own release provides its plugin API, but is below the peer range and the minimum host.
    expect(
      checkPluginHostRange(
        { ...IRC, openclaw: { install: { minHostVersion: ">=2026.9.5" }, compat: { pluginApi: ">=2026.9.5" } } },
        "2026.9.5-beta.2",
      ),
    ).toEqual([
      "npm:@openclaw/irc@2026.9.5 needs openclaw >=2026.9.5 (peerDependencies.openclaw, openclaw.install.minHostVersion); gateway.version is 2026.9.5-beta.2",
    ]);
    // A range naming a prerelease is compared as it is.
    expect(checkPluginHostRange({ ...IRC, peerDependencies: { openclaw: ">=2026.9.5-beta.3" } }, "2026.9.5-beta.2")).toEqual([
      "npm:@openclaw/irc@2026.9.5 needs openclaw >=2026.9.5-beta.3 (peerDependencies.openclaw); gateway.version is 2026.9.5-beta.2",
    ]);
    expect(checkPluginHostRange({ ...IRC, openclaw: { compat: { pluginApi: ">=2026.9.5-beta.3" } } }, "2026.9.5-beta.2")).toEqual([
      "npm:@openclaw/irc@2026.9.5 needs openclaw >=2026.9.5 (peerDependencies.openclaw); gateway.version is 2026.9.5-beta.2",
      "npm:@openclaw/irc@2026.9.5 needs openclaw >=2026.9.5-beta.3 (openclaw.compat.pluginApi); gateway.version is 2026.9.5-beta.2",
    ]);
  });
});

describe("looking up a pin on an npm registry (over real HTTP)", () => {
  let server: http.Server;
  let registry: string;
  /** A local address nothing listens on. */
  let closed: string;
  const requests: string[] = [];
  const packuments: Record<string, unknown> = {
    "/@openclaw%2firc": {
      name: "@openclaw/irc",
      "dist-tags": { latest: "2026.9.5" },
      versions: { "2026.9.4": { ...IRC, version: "2026.9.4" }, "2026.9.5": IRC },
    },
    "/@openclaw%2fline": {
      name: "@openclaw/line",
      "dist-tags": { latest: "2026.9.5" },
      versions: { "2026.9.5": { ...IRC, name: "@openclaw/line" } },
    },
  };
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push(req.url ?? "");
      if (req.url === "/@openclaw%2fbroken") return void res.writeHead(502).end("bad gateway");
      if (req.url === "/@openclaw%2fgarbled") return void res.writeHead(200).end("<html>");
      const body = packuments[req.url ?? ""];
      res
        .writeHead(body === undefined ? 404 : 200, { "content-type": "application/json" })
        .end(JSON.stringify(body ?? { error: "Not found" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const gone = http.createServer();
    await new Promise<void>((resolve) => gone.listen(0, "127.0.0.1", resolve));
    closed = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
    await new Promise((resolve) => gone.close(resolve));
  });
  afterAll(() => server.close());

  it("gives the version's metadata, asking once per registry and package", async () => {
    requests.length = 0;
    expect(await lookUpPlugin(registry, "npm:@openclaw/irc", "2026.9.5")).toEqual({ manifest: IRC });
    expect(await lookUpPlugin(registry, "npm:@openclaw/irc", "2026.9.4")).toEqual({ manifest: { ...IRC, version: "2026.9.4" } });
    expect(requests).toEqual(["/@openclaw%2firc"]);
  });

  it("says a version or package the registry does not have is missing, naming spec, version and registry", async () => {
    expect(await lookUpPlugin(registry, "npm:@openclaw/irc", "2026.9.9")).toEqual({
      missing: `npm:@openclaw/irc@2026.9.9 is not on the npm registry ${registry} (latest there: 2026.9.5)`,
    });
    expect(await lookUpPlugin(registry, "npm:@openclaw/nope", "1.0.0")).toEqual({
      missing: `npm:@openclaw/nope@1.0.0 is not on the npm registry ${registry} (it has no @openclaw/nope)`,
    });
  });

  it("says why a registry cannot be asked, and asks again next time", async () => {
    requests.length = 0;
    expect(await lookUpPlugin(registry, "npm:@openclaw/broken", "1.0.0")).toEqual({
      unreachable: `${registry.replace(/\/$/, "")}/@openclaw%2fbroken answered HTTP 502`,
    });
    expect(await lookUpPlugin(registry, "npm:@openclaw/broken", "1.0.0")).toHaveProperty("unreachable");
    expect(requests).toEqual(["/@openclaw%2fbroken", "/@openclaw%2fbroken"]);
    expect(await lookUpPlugin(registry, "npm:@openclaw/garbled", "1.0.0")).toEqual({
      unreachable: `${registry.replace(/\/$/, "")}/@openclaw%2fgarbled answered, but not with JSON`,
    });
    expect(await lookUpPlugin(closed, "npm:@openclaw/irc", "2026.9.5")).toEqual({
      unreachable: `${closed}/@openclaw%2firc could not be read (ECONNREFUSED)`,
    });
  });

  it("does not ask for ClawHub specs", async () => {
    requests.length = 0;
    expect(await lookUpPlugin(registry, "clawhub:@openclaw/diagnostics-otel", "2026.9.6")).toEqual({
      notChecked:
        "clawhub:@openclaw/diagnostics-otel@2026.9.6 is not checked at preview (ClawHub is not asked); the host's install checks it",
    });
    expect(requests).toEqual([]);
  });

  it("gives the preview's problems and warnings under the caller's key", async () => {
    const pins = {
      "npm:@openclaw/irc": "2026.9.5",
      "npm:@openclaw/line": "2026.9.9",
      "clawhub:@openclaw/diagnostics-otel": "2026.9.6",
    };
    expect(await pluginProblems(pins, "2026.9.4", registry, "gateway.instances.work.plugins")).toEqual({
      problems: [
        {
          key: "gateway.instances.work.plugins",
          message: `npm:@openclaw/irc@2026.9.5 needs openclaw >=2026.9.5 (peerDependencies.openclaw, openclaw.compat.pluginApi); gateway.version is 2026.9.4`,
        },
        {
          key: "gateway.instances.work.plugins",
          message: `npm:@openclaw/line@2026.9.9 is not on the npm registry ${registry} (latest there: 2026.9.5)`,
        },
      ],
      warnings: [
        {
          key: "gateway.instances.work.plugins",
          message:
            "clawhub:@openclaw/diagnostics-otel@2026.9.6 is not checked at preview (ClawHub is not asked); the host's install checks it",
        },
      ],
    });
    expect(await pluginProblems({ "npm:@openclaw/irc": "2026.9.5" }, "2026.9.6", registry, "gateway.plugins")).toEqual({
      problems: [],
      warnings: [],
    });
    expect(await pluginProblems({ "npm:@openclaw/irc": "2026.9.5" }, "2026.9.6", closed, "gateway.plugins")).toEqual({
      problems: [
        {
          key: "gateway.plugins",
          message: `cannot look up npm:@openclaw/irc@2026.9.5: ${closed}/@openclaw%2firc could not be read (ECONNREFUSED)`,
        },
      ],
      warnings: [],
    });
  });
});

const UNIT = "openclaw-gateway-work.service";
const R1 = "2026.9.6+node24.22.3";
const R2 = "2026.9.7+node24.22.3";
const IRC_PIN = { "npm:@openclaw/irc": "2026.9.5" };

describe("the plugin step, run by bash on a host in a temp folder", () => {
  let dir: string;
  let paths: { stateDir: string; configFile: string; envFile: string; unit: string; user: string };
  const installRoot = () => path.join(dir, "opt", "openclaw");
  /** A release under the install root: its Node (this test's) and its openclaw package. */
  const release = (name: string) => {
    const prefix = path.join(installRoot(), name);
    fs.mkdirSync(path.join(prefix, "node", "bin"), { recursive: true });
    fs.symlinkSync(process.execPath, path.join(prefix, "node", "bin", "node"));
    fs.mkdirSync(path.join(prefix, "lib", "node_modules", "openclaw"), { recursive: true });
    fs.writeFileSync(path.join(prefix, "lib", "node_modules", "openclaw", "package.json"), '{"name":"openclaw"}\n');
  };
  const makeCurrent = (name: string) => {
    fs.rmSync(path.join(installRoot(), "current"), { force: true });
    fs.symlinkSync(name, path.join(installRoot(), "current"));
  };
  const write = (file: string, text: string) => fs.writeFileSync(path.join(dir, file), text, { mode: 0o755 });
  const read = (file: string) => (fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), "utf8") : "");
  const take = (file: string) => {
    const text = read(file);
    fs.rmSync(path.join(dir, file), { force: true });
    return text;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "gateway-plugins-"));
    for (const d of ["bin", "run", "state", "etc"]) fs.mkdirSync(path.join(dir, d));
    paths = {
      stateDir: path.join(dir, "state"),
      configFile: path.join(dir, "etc", "openclaw.json"),
      envFile: path.join(dir, "etc", "gateway.env"),
      unit: UNIT,
      user: os.userInfo().username,
    };
    fs.writeFileSync(paths.configFile, '{"gateway":{"mode":"local"}}\n', { mode: 0o400 });
    fs.writeFileSync(paths.envFile, 'OPENCLAW_GATEWAY_TOKEN="t0ken"\n');
    release(R1);
    makeCurrent(R1);
    // systemctl: the unit runs while the file `active` exists.
    write(
      "bin/systemctl",
      [
        "#!/bin/bash",
        'echo "$*" >> "$FAKE/systemctl.log"',
        'case "$1" in is-active) [ -e "$FAKE/active" ] ;; stop) rm -f "$FAKE/active" ;; start) touch "$FAKE/active" ;; esac',
        "",
      ].join("\n"),
    );
    write("bin/logger", '#!/bin/bash\ncat >> "$FAKE/journal"\n');
    write("bin/chown", "#!/bin/bash\ntrue\n");
    // openclaw plugins install|uninstall, laid out as 2026.9.6 does: npm pins in an npm project
    // each, ClawHub's under extensions/, the openclaw peer linked to the release that runs it.
    // A file fail-<id> fails the install, wrong-<id> installs another version.
    write(
      "openclaw",
      [
        "#!/bin/bash",
        'writable=no; [ -w "$OPENCLAW_CONFIG_PATH" ] && writable=yes',
        'running=no; [ -e "$FAKE/active" ] && running=yes',
        'echo "$* config=${OPENCLAW_CONFIG_PATH#$FAKE/} writable=$writable token=$OPENCLAW_GATEWAY_TOKEN registry=${npm_config_registry:-} cwd=${PWD#$FAKE/} running=$running" >> "$FAKE/openclaw.log"',
        "state=$OPENCLAW_STATE_DIR",
        'case "$2" in',
        "  install)",
        "    s=${3#*:}; name=${s%@*}; version=${s##*@}; id=${name##*/}",
        '    if [ -e "$FAKE/fail-$id" ]; then echo "npm error 404 Not Found - GET $name@$version" >&2; exit 1; fi',
        '    [ -e "$FAKE/wrong-$id" ] && version=0.0.1',
        '    case "$3" in clawhub:*) pkg="$state/extensions/$id" ;; *) project="$state/npm/projects/$id-0123456789"; pkg="$project/node_modules/$name" ;; esac',
        '    rm -rf "$pkg" && mkdir -p "$pkg/node_modules"',
        '    [ -n "${project:-}" ] && printf \'{"private":true,"dependencies":{"%s":"%s"}}\\n\' "$name" "$version" > "$project/package.json"',
        '    printf \'{"name":"%s","version":"%s","peerDependencies":{"openclaw":">=2026.9.5"}}\\n\' "$name" "$version" > "$pkg/package.json"',
        '    printf \'{"id":"%s"}\\n\' "$id" > "$pkg/openclaw.plugin.json"',
        '    ln -s "$(readlink -f "$FAKE/opt/openclaw/current/lib/node_modules/openclaw")" "$pkg/node_modules/openclaw"',
        '    echo "Installed plugin: $id" ;;',
        "  uninstall)",
        '    rm -rf "$state/npm/projects/$3-0123456789" "$state/extensions/$3"; echo "Uninstalled plugin \\"$3\\"" ;;',
        "esac",
        "",
      ].join("\n"),
    );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (text: string) => {
    const r = spawnSync("bash", ["-euo", "pipefail", "-c", text], {
      encoding: "utf8",
      env: { PATH: `${dir}/bin:${process.env.PATH}`, SHLVL: "1", FAKE: dir },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  /** The step with its host paths moved into the temp folder; the command prefix as the lead's releaseCommand makes it. */
  const step = (plugins: PinnedPlugins, registry?: string) => {
    const runAs = `env OPENCLAW_STATE_DIR='${paths.stateDir}' OPENCLAW_CONFIG_PATH="$copy/openclaw.json" '${dir}/openclaw'`;
    const text = renderPluginInstallScript(plugins, { paths, installRoot: installRoot(), runAs, registry })
      .replaceAll("/run/openclaw-plugins", path.join(dir, "run", "openclaw-plugins"))
      // No user of that name here: the copy stays this user's (chown is a stand-in).
      .replaceAll(`-o '${paths.user}' -g '${paths.user}' `, "");
    return run(text);
  };
  const facts = (plugins: PinnedPlugins) => run(renderPluginFacts(plugins, { paths, installRoot: installRoot() })).stdout.trim();
  const asPinned = (summary: string, rel = R1) => `plugins of ${UNIT} as pinned on openclaw ${rel}: ${summary}\n`;
  const systemctl = () => take("systemctl.log").split("\n").filter(Boolean);
  const openclaw = () => take("openclaw.log").split("\n").filter(Boolean);
  /** openclaw's call as the fake logs it: on the writable copy, with gateway.env, in the state directory, the unit stopped. */
  const called = (args: string, registry = "") =>
    new RegExp(
      `^${args.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} config=run/openclaw-plugins\\.\\w{6}/openclaw\\.json writable=yes token=t0ken registry=${registry} cwd=state running=no$`,
    );

  it("installs what is missing with the unit stopped, then starts it again; then has nothing to do", () => {
    fs.writeFileSync(path.join(dir, "active"), "");
    expect(facts(IRC_PIN)).toBe(`npm:@openclaw/irc=missing\nrelease=${R1}`);
    const r = step(IRC_PIN, "https://registry.example/");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      `stopped ${UNIT}\ninstalling npm:@openclaw/irc@2026.9.5\nstarted ${UNIT}\n` + asPinned("npm:@openclaw/irc@2026.9.5"),
    );
    expect(systemctl()).toEqual([`is-active --quiet ${UNIT}`, `stop ${UNIT}`, `start ${UNIT}`]);
    const calls = openclaw();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(called("plugins install npm:@openclaw/irc@2026.9.5 --pin --force", "https://registry.example/"));
    // The copy is gone, the managed file as it was; what openclaw said is in the journal.
    expect(fs.readdirSync(path.join(dir, "run"))).toEqual([]);
    expect(fs.readFileSync(paths.configFile, "utf8")).toBe('{"gateway":{"mode":"local"}}\n');
    expect(read("journal")).toBe("Installed plugin: irc\n");
    expect(facts(IRC_PIN)).toBe(pluginFactsObserved(IRC_PIN, R1));
    expect(pluginFactsObserved(IRC_PIN, R1)).toBe(`npm:@openclaw/irc=2026.9.5\nrelease=${R1}`);

    const again = step(IRC_PIN);
    expect([again.status, again.stdout, again.stderr]).toEqual([0, asPinned("npm:@openclaw/irc@2026.9.5"), ""]);
    expect([systemctl(), openclaw()]).toEqual([[], []]);
  });

  it("installs only the pin that is missing", () => {
    fs.writeFileSync(path.join(dir, "active"), "");
    expect(step(IRC_PIN).status).toBe(0);
    systemctl();
    openclaw();
    const pins = { ...IRC_PIN, "npm:@openclaw/line": "2026.9.5" };
    expect(facts(pins)).toBe(`npm:@openclaw/irc=2026.9.5\nnpm:@openclaw/line=missing\nrelease=${R1}`);
    const r = step(pins);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      `stopped ${UNIT}\ninstalling npm:@openclaw/line@2026.9.5\nstarted ${UNIT}\n` +
        asPinned("npm:@openclaw/irc@2026.9.5, npm:@openclaw/line@2026.9.5"),
    );
    expect(systemctl()).toEqual([`is-active --quiet ${UNIT}`, `stop ${UNIT}`, `start ${UNIT}`]);
    expect(openclaw()).toEqual([expect.stringMatching(called("plugins install npm:@openclaw/line@2026.9.5 --pin --force"))]);
    expect(facts(pins)).toBe(pluginFactsObserved(pins, R1));
  });

  it("leaves a unit that was not running stopped", () => {
    const r = step(IRC_PIN);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("installing npm:@openclaw/irc@2026.9.5\n" + asPinned("npm:@openclaw/irc@2026.9.5"));
    expect(systemctl()).toEqual([`is-active --quiet ${UNIT}`]);
    expect(fs.existsSync(path.join(dir, "active"))).toBe(false);
  });

  it("fails on a failed install, naming it with openclaw's last lines, and starts the unit again on the plugins it had", () => {
    fs.writeFileSync(path.join(dir, "active"), "");
    expect(step(IRC_PIN).status).toBe(0);
    systemctl();
    fs.writeFileSync(path.join(dir, "fail-line"), "");
    const pins = { ...IRC_PIN, "npm:@openclaw/line": "2026.9.5" };
    const r = step(pins);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(`stopped ${UNIT}\ninstalling npm:@openclaw/line@2026.9.5\nstarted ${UNIT}\n`);
    expect(r.stderr).toBe(
      `openclaw ${R1}: the plugins of ${UNIT} could not be made the pinned ones (npm:@openclaw/irc@2026.9.5, npm:@openclaw/line@2026.9.5):\n` +
        "npm error 404 Not Found - GET @openclaw/line@2026.9.5\n",
    );
    expect(systemctl()).toEqual([`is-active --quiet ${UNIT}`, `stop ${UNIT}`, `start ${UNIT}`]);
    expect(fs.existsSync(path.join(dir, "active"))).toBe(true);
    expect(fs.readdirSync(path.join(dir, "run"))).toEqual([]);
    expect(facts(pins)).toBe(`npm:@openclaw/irc=2026.9.5\nnpm:@openclaw/line=missing\nrelease=${R1}`);
  });

  it("fails when openclaw reports success but the pin is not what is installed after", () => {
    fs.writeFileSync(path.join(dir, "wrong-irc"), "");
    const r = step(IRC_PIN);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `openclaw ${R1}: the plugins of ${UNIT} could not be made the pinned ones (npm:@openclaw/irc@2026.9.5):\n` +
        "Installed plugin: irc\ninstalled now:\nnpm:@openclaw/irc=0.0.1\n",
    );
  });

  it("removes an installed plugin no longer pinned, by the id its manifest declares", () => {
    const both = { ...IRC_PIN, "npm:@openclaw/line": "2026.9.5" };
    expect(step(both).status).toBe(0);
    openclaw();
    expect(facts(IRC_PIN)).toBe(`npm:@openclaw/irc=2026.9.5\nunpinned=line @openclaw/line@2026.9.5\nrelease=${R1}`);
    const r = step(IRC_PIN);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("removing plugin line (@openclaw/line@2026.9.5): not pinned\n" + asPinned("npm:@openclaw/irc@2026.9.5"));
    expect(openclaw()).toEqual([expect.stringMatching(called("plugins uninstall line --force"))]);
    expect(facts(IRC_PIN)).toBe(pluginFactsObserved(IRC_PIN, R1));

    // With nothing pinned, nothing stays.
    expect(step({}).stdout).toBe("removing plugin irc (@openclaw/irc@2026.9.5): not pinned\n" + asPinned("none pinned"));
    expect(facts({})).toBe(pluginFactsObserved({}, R1));
    expect(pluginFactsObserved({}, R1)).toBe(`release=${R1}`);
  });

  it("warns of an unpinned plugin it cannot remove, and still has nothing to do", () => {
    expect(step(IRC_PIN).status).toBe(0);
    const stray = path.join(paths.stateDir, "extensions", "stray");
    fs.mkdirSync(stray, { recursive: true });
    fs.writeFileSync(path.join(stray, "package.json"), '{"name":"stray-bundle","version":"1.0.0"}');
    const r = step(IRC_PIN);
    expect([r.status, r.stdout]).toEqual([0, asPinned("npm:@openclaw/irc@2026.9.5")]);
    expect(r.stderr).toBe(
      `warning: stray-bundle@1.0.0 is installed for ${UNIT} but not pinned, and has no plugin id to remove it by: remove it by hand\n`,
    );
    expect(facts(IRC_PIN)).toBe(`npm:@openclaw/irc=2026.9.5\nunpinned=? stray-bundle@1.0.0\nrelease=${R1}`);
  });

  it("reinstalls on a new release: the pins' openclaw peer is linked to the release that installed them", () => {
    fs.writeFileSync(path.join(dir, "active"), "");
    expect(step(IRC_PIN).status).toBe(0);
    release(R2);
    makeCurrent(R2);
    expect(facts(IRC_PIN)).toBe(`npm:@openclaw/irc=2026.9.5 unlinked\nrelease=${R2}`);
    systemctl();
    openclaw();
    const r = step(IRC_PIN);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      `stopped ${UNIT}\ninstalling npm:@openclaw/irc@2026.9.5\nstarted ${UNIT}\n` + asPinned("npm:@openclaw/irc@2026.9.5", R2),
    );
    expect(facts(IRC_PIN)).toBe(pluginFactsObserved(IRC_PIN, R2));
  });

  it("installs a ClawHub pin without --pin (npm installs only), and reads it under extensions/", () => {
    const pins = { "clawhub:@openclaw/diagnostics-otel": "2026.9.6" };
    const r = step(pins);
    expect(r.status, r.stderr).toBe(0);
    expect(openclaw()).toEqual([expect.stringMatching(called("plugins install clawhub:@openclaw/diagnostics-otel@2026.9.6 --force"))]);
    expect(facts(pins)).toBe(`clawhub:@openclaw/diagnostics-otel=2026.9.6\nrelease=${R1}`);
  });

  it("reads versions from the installs' package.json files, ignoring generations an update retained", () => {
    expect(step(IRC_PIN).status).toBe(0);
    // An earlier install, kept by openclaw when an update replaced it.
    const old = path.join(paths.stateDir, "npm", "projects", "irc-0123456789__openclaw-generation__g-0123456789abcdef");
    fs.mkdirSync(path.join(old, "node_modules", "@openclaw", "irc"), { recursive: true });
    fs.mkdirSync(path.join(old, ".openclaw-retained-npm-installs"));
    fs.writeFileSync(path.join(old, ".openclaw-retained-npm-installs", "irc.json"), '{"pluginId":"irc"}');
    fs.writeFileSync(path.join(old, "package.json"), '{"dependencies":{"@openclaw/irc":"2026.9.4"}}');
    fs.writeFileSync(path.join(old, "node_modules", "@openclaw", "irc", "package.json"), '{"name":"@openclaw/irc","version":"2026.9.4"}');
    expect(facts(IRC_PIN)).toBe(pluginFactsObserved(IRC_PIN, R1));
    expect(facts({ "npm:@openclaw/irc": "2026.9.4" })).toBe(`npm:@openclaw/irc=2026.9.5\nrelease=${R1}`);
  });

  it("says every pin is missing where no release is installed yet, and the step refuses to run", () => {
    fs.rmSync(installRoot(), { recursive: true });
    expect(facts({ ...IRC_PIN, "clawhub:@openclaw/diagnostics-otel": "2026.9.6" })).toBe(
      "clawhub:@openclaw/diagnostics-otel=missing\nnpm:@openclaw/irc=missing\nrelease=none",
    );
    expect(facts({})).toBe("release=none");
    const r = step(IRC_PIN);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`no openclaw release at ${installRoot()}/current to install the plugins of ${UNIT} with\n`);
  });

  it("renders the same step for the same pins, in whatever order they are given", () => {
    const host = { paths, runAs: "openclaw" };
    const a = { "npm:@openclaw/irc": "2026.9.5", "clawhub:@openclaw/diagnostics-otel": "2026.9.6" };
    const b = { "clawhub:@openclaw/diagnostics-otel": "2026.9.6", "npm:@openclaw/irc": "2026.9.5" };
    expect(renderPluginInstallScript(a, host)).toBe(renderPluginInstallScript(b, host));
    expect(renderPluginFacts(a, host)).toBe(renderPluginFacts(b, host));
    expect(renderPluginFacts(a, { paths })).toContain("current='/opt/openclaw/current'");
  });
});

describe("diagnostics-otel", () => {
  const signals = {
    traces: "http://10.0.0.2:4318/v1/traces",
    metrics: "http://10.0.0.2:4319/v1/metrics",
    logs: "http://10.0.0.2:3100/otlp/v1/logs",
  };
  const peers = { otlpEndpoint: "http://10.0.0.2:4318", otlpSignals: signals };
  const otel = (plugins: Record<string, string>) => gatewayConfig(gatewayOptionsSchema.parse({ plugins }), peers);

  it("pinned, is switched on beside the exporter settings the topology derives (one URL per signal); not pinned, has no entry", () => {
    const pinned = otel({ "clawhub:@openclaw/diagnostics-otel": "2026.9.6" });
    expect(pinned.plugins).toEqual({ entries: { "diagnostics-otel": { enabled: true } } });
    expect(pinned.diagnostics).toEqual({
      enabled: true,
      otel: {
        enabled: true,
        endpoint: "http://10.0.0.2:4318",
        logs: true,
        logsEndpoint: "http://10.0.0.2:3100/otlp/v1/logs",
        metrics: true,
        metricsEndpoint: "http://10.0.0.2:4319/v1/metrics",
        protocol: "http/protobuf",
        serviceName: "openclaw-gateway",
        traces: true,
        tracesEndpoint: "http://10.0.0.2:4318/v1/traces",
      },
    });
    expect(otel(IRC_PIN).plugins).toBeUndefined();
    expect(pinsDiagnosticsOtel({ "npm:@openclaw/diagnostics-otel": "2026.9.6" })).toBe(true);
    expect(pinsDiagnosticsOtel(IRC_PIN)).toBe(false);
  });

  it("is derived: gateway.settings may not set its entry", () => {
    const parsed = gatewayOptionsSchema.safeParse({ settings: { plugins: { entries: { "diagnostics-otel": { enabled: false } } } } });
    expect(parsed.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "settings.plugins.entries.diagnostics-otel: is derived: set by the pin of diagnostics-otel in gateway.plugins (wired to the topology's OTLP receivers), not in gateway.settings",
    ]);
  });

  it("names each instance's telemetry after its unit", () => {
    const work = gatewayInstances(gatewayOptionsSchema.parse({ instances: { work: { port: 18909 } } }))[0];
    expect((gatewayConfig(work, peers).diagnostics as JsonObject).otel).toMatchObject({ serviceName: "openclaw-gateway-work" });
  });
});
