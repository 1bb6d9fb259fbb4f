// PromtailJournal under Pulumi mocks: the resource graph and its order for each source, the
// end-of-life warning, restart triggers and the readiness wait.
import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { endOfLifeWarning, PromtailJournal, PromtailJournalArgs } from "../../../components/promtail-journal";
import { Recorded, recorder, value } from "../../support/mocks";

const CONNECTION = { host: "192.0.2.11", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA" };

function deploy(extra: Partial<PromtailJournalArgs> = {}) {
  const { recorded, opts } = recorder();
  const logs = new PromtailJournal(
    "vps1-logs",
    { connection: CONNECTION, lokiUrl: "http://10.0.0.2:3100/loki/api/v1/push", hostLabel: "vps1", ...extra },
    opts,
  );
  return { logs, recorded };
}

const byName = (recorded: Recorded[], name: string): Recorded => {
  const found = recorded.find((r) => r.name === name);
  if (!found) throw new Error(`no resource ${name} (have ${recorded.map((r) => r.name).join(", ")})`);
  return found;
};
const ARCHIVE = { from: "archive", version: "3.6.4", sha256: "c".repeat(64), releaseUrl: "http://mirror.test/promtail" } as const;

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const state: Record<string, unknown> = { ...args.inputs };
        // An apt step reports "name=version ..." of its packages; a release install its version.
        if (args.inputs.captureResult) state.result = String(args.inputs.label).startsWith("packages ") ? "promtail=3.6.4" : "3.6.4";
        return { id: `${args.name}-id`, state };
      },
      call: () => ({}),
    },
    "openclaw-infra",
    "vps1",
    false,
  );
});

// The end-of-life warning is asserted below; elsewhere it would only clutter the output.
let warn: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  warn = vi.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
});
afterEach(() => vi.restoreAllMocks());

describe("PromtailJournal graph", () => {
  it("from apt: repository, package, user, checked config, then the unit", () => {
    const { recorded } = deploy();
    expect(recorded.map((r) => `${r.type} ${r.name}`)).toEqual([
      "openclaw:observability:PromtailJournal vps1-logs",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-logs-base",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-logs-repo",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-logs-packages",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-logs-user",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-logs-config",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps1-logs-unit",
    ]);
    const deps = Object.fromEntries(recorded.map((r) => [r.name, r.dependsOn]));
    expect(deps["vps1-logs-repo"]).toEqual(["vps1-logs-base"]);
    expect(deps["vps1-logs-packages"]).toEqual(["vps1-logs-repo"]);
    expect(deps["vps1-logs-user"]).toEqual(["vps1-logs-packages"]);
    expect(deps["vps1-logs-config"]).toEqual(["vps1-logs-packages", "vps1-logs-user"]);
    expect(deps["vps1-logs-unit"]).toEqual(["vps1-logs-packages", "vps1-logs-user", "vps1-logs-config"]);
  });

  it("from a release download: base packages, install, user, checked config, then the unit", () => {
    const { recorded } = deploy(ARCHIVE);
    expect(recorded.map((r) => r.name)).toEqual([
      "vps1-logs",
      "vps1-logs-base",
      "vps1-logs-install",
      "vps1-logs-user",
      "vps1-logs-config",
      "vps1-logs-unit",
    ]);
    const deps = Object.fromEntries(recorded.map((r) => [r.name, r.dependsOn]));
    expect(deps["vps1-logs-install"]).toEqual(["vps1-logs-base"]);
    expect(deps["vps1-logs-unit"]).toEqual(["vps1-logs-install", "vps1-logs-user", "vps1-logs-config"]);
  });

  it("pins Grafana's key by fingerprint in a deb822 source", async () => {
    const { recorded } = deploy();
    const repo = byName(recorded, "vps1-logs-repo");
    const create = await value<string>(repo.props.create);
    expect(create).toContain("curl -fsSL 'https://apt.grafana.com/gpg-full.key'");
    expect(create).toContain("'B53AE77BADB630A683046005963FA27710458545'");
    expect(await value(repo.props.stdin)).toBe(
      "Types: deb\nURIs: https://apt.grafana.com\nSuites: stable\nComponents: main\nSigned-By: /etc/apt/keyrings/grafana.asc\n",
    );
  });

  it("pins the package when a version is given", async () => {
    const { recorded } = deploy({ agent: "alloy", version: "1.10.2-1" });
    expect(await value(byName(recorded, "vps1-logs-packages").props.create)).toContain("for spec in 'alloy=1.10.2-1'; do");
  });

  it("puts the service user in the systemd-journal group, state under /var/lib", async () => {
    const { recorded } = deploy();
    const create = await value<string>(byName(recorded, "vps1-logs-user").props.create);
    expect(create).toContain("--home-dir '/var/lib/promtail'");
    expect(create).toContain("usermod -aG 'systemd-journal' 'promtail'");
  });

  it("restarts on a configuration or version change and waits for readiness", async () => {
    const { recorded, logs } = deploy();
    const unit = byName(recorded, "vps1-logs-unit");
    const triggers = await value<string[]>(unit.props.triggers);
    expect(triggers).toHaveLength(2);
    expect(triggers[1]).toBe("3.6.4");
    const create = await value<string>(unit.props.create);
    expect(create).toContain("curl -fsS --max-time 2 'http://127.0.0.1:9080/ready'");
    expect(create).toContain("grep -Eq '[Rr]eady'");
    expect(logs.readyUrl).toBe("http://127.0.0.1:9080/ready");
    expect(logs.unitName).toBe("promtail.service");
    expect(await value(logs.version)).toBe("3.6.4");
  });

  it("has the agent check the configuration before it is written", async () => {
    const { recorded } = deploy();
    const config = byName(recorded, "vps1-logs-config");
    const create = await value<string>(config.props.create);
    expect(create.indexOf("-check-syntax")).toBeLessThan(create.indexOf("mv -f"));
    expect(await value<string>(config.props.stdin)).toContain("url: http://10.0.0.2:3100/loki/api/v1/push\n");
  });

  it("runs Alloy with the same inputs", async () => {
    const { recorded, logs } = deploy({ agent: "alloy" });
    expect(await value<string>(byName(recorded, "vps1-logs-config").props.stdin)).toContain('loki.source.journal "journal"');
    expect(await value<string>(byName(recorded, "vps1-logs-config").props.create)).toContain("'/usr/bin/alloy' validate \"$candidate\"");
    expect(logs.readyUrl).toBe("http://127.0.0.1:9080/-/ready");
    expect(logs.unitName).toBe("alloy.service");
  });
});

describe("PromtailJournal end of life", () => {
  it("warns when promtail is chosen", () => {
    const { logs } = deploy();
    expect(warn).toHaveBeenCalledWith(endOfLifeWarning("vps1-logs"), logs);
    expect(endOfLifeWarning("vps1-logs")).toBe(
      'PromtailJournal vps1-logs: promtail reached end of life on 2026-03-02 and gets no more fixes; set agent: "alloy" to ship the journal with Grafana Alloy (loki.source.journal) instead',
    );
  });

  it("does not warn for Alloy", () => {
    deploy({ agent: "alloy" });
    expect(warn).not.toHaveBeenCalled();
  });
});

describe("PromtailJournal options", () => {
  it("fails before registering anything, naming the field", () => {
    expect(() => deploy({ lokiUrl: "http://10.0.0.2:3100" })).toThrow(
      "PromtailJournal vps1-logs: lokiUrl: must be Loki's push endpoint, e.g. http://10.0.0.2:3100/loki/api/v1/push",
    );
  });

  it("has no secret to keep: nothing it sends is marked secret", async () => {
    const { recorded } = deploy();
    for (const r of recorded.filter((r) => r.type.includes("RemoteCommand") && r.props.stdin !== undefined)) {
      expect(await pulumi.isSecret(pulumi.output(r.props.stdin)), r.name).toBe(false);
    }
  });
});
