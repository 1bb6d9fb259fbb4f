// PromtailJournal: ships the systemd journal to Loki with job, host and unit labels, as a
// hardened service whose user is in the systemd-journal group and whose positions live under
// /var/lib/<agent>. The agent is promtail (end of life since 2026-03-02: `pulumi up` warns) or
// Grafana Alloy, from Grafana's apt repository or a release download checked by sha256. The
// configuration is checked by the agent itself on the host before it replaces the current one;
// a restart follows only a change and is followed by a wait for the agent's readiness endpoint.
import * as pulumi from "@pulumi/pulumi";
import { aptInstall, aptPackages, installedVersion } from "../../src/remote/apt";
import { checkedFile } from "../../src/remote/checked-file";
import { RemoteCommand } from "../../src/remote/command";
import { digest } from "../../src/remote/file";
import { versionedInstall } from "../../src/remote/install";
import { Connection } from "../../src/remote/ssh";
import { systemdUnit } from "../../src/remote/systemd";
import { systemUser } from "../../src/remote/user";
import { parseOrThrow } from "../../src/validate";
import { archiveInstallSpec, configFileSpec, paths, readyUrl, renderConfig, unitSpec } from "./render";
import { GRAFANA_KEY_FINGERPRINT, PROMTAIL_END_OF_LIFE, promtailArgsSchema, PromtailArgsOptions, PromtailSettings } from "./schema";

export * from "./schema";

export interface PromtailJournalArgs extends PromtailArgsOptions {
  connection: pulumi.Input<Connection>;
}

/** The warning `pulumi up` prints when promtail is chosen. */
export function endOfLifeWarning(name: string): string {
  return (
    `PromtailJournal ${name}: promtail reached end of life on ${PROMTAIL_END_OF_LIFE} and gets no more fixes; ` +
    `set agent: "alloy" to ship the journal with Grafana Alloy (loki.source.journal) instead`
  );
}

export class PromtailJournal extends pulumi.ComponentResource {
  readonly agent: PromtailSettings["agent"];
  readonly unitName: string;
  /** The agent's readiness endpoint on the host itself. */
  readonly readyUrl: string;
  /** The installed version: the release, or the package version apt reports. */
  readonly version: pulumi.Output<string>;

  constructor(name: string, args: PromtailJournalArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:observability:PromtailJournal", name, {}, opts);
    const { connection, ...options } = args;
    const s = parseOrThrow(promtailArgsSchema, options, `PromtailJournal ${name}: `);
    const p = paths(s.agent);
    const parent = { parent: this };
    this.agent = s.agent;
    this.unitName = p.unit;
    this.readyUrl = readyUrl(s);
    if (s.agent === "promtail") pulumi.log.warn(endOfLifeWarning(name), this);

    const install = s.from === "apt" ? this.fromApt(name, connection, s) : this.fromArchive(name, connection, s);
    // The installed version: the release, or the package version apt reports.
    const installed = install.result.apply((r) => (s.from === "apt" ? installedVersion(r, s.agent) : (r ?? "")));

    const user = systemUser(
      `${name}-user`,
      { connection, user: p.user, home: p.stateDir, groups: ["systemd-journal"] },
      { ...parent, dependsOn: [install] },
    );

    const configContent = renderConfig(s);
    const config = checkedFile(
      `${name}-config`,
      { connection, ...configFileSpec(s), content: configContent },
      { ...parent, dependsOn: [install, user] },
    );

    const unit = systemdUnit(
      `${name}-unit`,
      {
        connection,
        name: p.unit,
        spec: unitSpec(s),
        reads: [p.config],
        restartTriggers: [digest(configContent), installed],
        healthCheck: { url: this.readyUrl, expect: "[Rr]eady", unit: p.unit },
      },
      { ...parent, dependsOn: [install, user, config] },
    );

    this.version = pulumi.all([installed, unit.id]).apply(([v]) => v);
    this.registerOutputs({ agent: this.agent, unitName: this.unitName, readyUrl: this.readyUrl, version: this.version });
  }

  /** Grafana's apt repository, then the package; its result reports the installed version. */
  private fromApt(name: string, connection: pulumi.Input<Connection>, s: PromtailSettings): RemoteCommand {
    return aptInstall(
      name,
      {
        connection,
        repository: {
          name: "grafana",
          uris: s.grafanaAptUrl.replace(/\/+$/, ""),
          suites: "stable",
          components: "main",
          keyUrl: s.grafanaKeyUrl,
          keyFingerprint: GRAFANA_KEY_FINGERPRINT,
        },
        packages: [s.version ? `${s.agent}=${s.version}` : s.agent],
      },
      { parent: this },
    );
  }

  /** A release download checked against its sha256, as a versioned install under /opt/<agent>. */
  private fromArchive(name: string, connection: pulumi.Input<Connection>, s: PromtailSettings): RemoteCommand {
    const base = aptPackages(`${name}-base`, { connection, packages: ["ca-certificates", "curl", "unzip"] }, { parent: this });
    return versionedInstall(`${name}-install`, { connection, spec: archiveInstallSpec(s) }, { parent: this, dependsOn: [base] });
  }
}
