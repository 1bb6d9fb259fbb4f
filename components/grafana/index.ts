// Grafana on the observability host: from Grafana's apt repository (pinned by the key
// fingerprint the operator checked), listening on the private address, its admin password in
// a root:grafana 0640 file it reads itself ($__file{} in grafana.ini), so is Prometheus's
// password (the datasource's basic auth, $__file{} in the datasources), the datasources and the
// dashboards (written in TypeScript, components/grafana/dashboards) provisioned as files, and
// a hardened unit replacing the package's, then a wait for /api/health.
//
// With `run: false` (the sandbox, which cannot obtain Grafana) nothing is installed: every file
// and the unit are written, so the unit can be scored, but the unit is neither enabled nor started.
import * as pulumi from "@pulumi/pulumi";
import { aptInstall, installedVersion } from "../../src/remote/apt";
import { digest, remoteDirectory, remoteFile } from "../../src/remote/file";
import { Connection } from "../../src/remote/ssh";
import { systemdUnit } from "../../src/remote/systemd";
import { systemUser } from "../../src/remote/user";
import { parseOrThrow } from "../../src/validate";
import { dashboards, renderDashboard } from "./dashboards";
import { healthUrl, PATHS, READ_BY_GRAFANA, renderDashboardProvider, renderDatasources, renderGrafanaIni, unitSpec } from "./render";
import { adminPasswordSchema, Backends, backendsSchema, GrafanaOptions, grafanaOptionsSchema, GrafanaSettings } from "./schema";

export * from "./schema";

export interface GrafanaArgs extends GrafanaOptions {
  connection: pulumi.Input<Connection>;
  /** The host's private address: Grafana listens there. */
  listenAddress: string;
  /** The observability host's Prometheus, Loki and Tempo. */
  backends: Backends;
  /** The admin password. Treated as secret whether or not it is marked so. */
  adminPassword: pulumi.Input<string>;
  /** backends.prometheusUser's password on Prometheus (the secret prometheusPassword). Secret too. */
  prometheusPassword: pulumi.Input<string>;
}

export class Grafana extends pulumi.ComponentResource {
  readonly unitName: string = PATHS.unit;
  /** /api/health on the private address. */
  readonly healthUrl: string;
  /** The installed package version; "" with run: false. */
  readonly version: pulumi.Output<string>;
  /** false: switched off (run: false), nothing installed and the unit not started. */
  readonly running: boolean;

  constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:observability:Grafana", name, {}, opts);
    const { connection, listenAddress, backends, adminPassword, prometheusPassword, ...options } = args;
    const s = parseOrThrow(grafanaOptionsSchema, options, `Grafana ${name}: `);
    const b = parseOrThrow(backendsSchema, backends, `Grafana ${name}: backends.`);
    const parent = { parent: this };
    this.healthUrl = healthUrl(listenAddress, s.port);
    this.running = s.run;

    const installed = s.run ? this.install(name, connection, s) : undefined;
    const version = installed ? installed.result.apply((r) => installedVersion(r, "grafana")) : pulumi.output("");

    // The package makes the same user when it is missing; made here, the files below have their group with run: false too.
    const user = systemUser(
      `${name}-user`,
      { connection, user: PATHS.user, home: PATHS.stateDir },
      { ...parent, dependsOn: installed ? [installed] : [] },
    );

    const dirs = [
      PATHS.configDir,
      PATHS.provisioning,
      `${PATHS.provisioning}/datasources`,
      `${PATHS.provisioning}/dashboards`,
      PATHS.dashboards,
    ];
    const made: pulumi.Resource[] = [];
    for (const [i, path] of dirs.entries()) {
      // Each after its parent: install -d would make a missing parent root:root 0755.
      made.push(
        remoteDirectory(
          `${name}-dir-${i}`,
          { connection, path, owner: "root", group: PATHS.user, mode: "0750" },
          { ...parent, dependsOn: [user, ...made] },
        ),
      );
    }
    const afterDirs = { ...parent, dependsOn: made };

    // Validated where it becomes known, inside the secret; only stdin ever carries it.
    const password = pulumi.secret(
      pulumi.output(adminPassword).apply((p) => parseOrThrow(adminPasswordSchema, p, `Grafana ${name}: grafanaAdminPassword `)),
    );
    const files: [string, string, pulumi.Input<string>][] = [
      ["admin-password", PATHS.adminPassword, password],
      ["prometheus-password", PATHS.prometheusPassword, pulumi.secret(prometheusPassword)],
      ["ini", PATHS.ini, renderGrafanaIni(s, listenAddress)],
      ["datasources", PATHS.datasources, renderDatasources(b)],
      ["dashboard-provider", PATHS.dashboardProvider, renderDashboardProvider()],
      ...Object.entries(dashboards()).map(([file, d]): [string, string, string] => [
        `dashboard-${file}`,
        `${PATHS.dashboards}/${file}.json`,
        renderDashboard(d),
      ]),
    ];
    const written = files.map(([suffix, path, content]) =>
      remoteFile(`${name}-${suffix}`, { connection, path, content, ...READ_BY_GRAFANA }, afterDirs),
    );

    // Dashboards are re-read by the provider every minute; the rest is read at start.
    const readAtStart = files.filter(([suffix]) => !suffix.startsWith("dashboard-"));
    const unit = systemdUnit(
      `${name}-unit`,
      {
        connection,
        name: PATHS.unit,
        spec: unitSpec(s),
        start: s.run,
        reads: s.run ? readAtStart.map(([, path]) => path) : undefined,
        restartTriggers: s.run ? [...readAtStart.map(([, , content]) => digest(content)), version] : undefined,
        healthCheck: s.waitForHealthy ? { url: this.healthUrl, expect: '"database": ?"ok"', unit: PATHS.unit } : undefined,
      },
      { ...parent, dependsOn: [...(installed ? [installed] : []), user, ...written] },
    );

    this.version = pulumi.all([version, unit.id]).apply(([v]) => v);
    this.registerOutputs({ unitName: this.unitName, healthUrl: this.healthUrl, version: this.version, running: this.running });
  }

  /** Grafana's apt repository, then the package; the step's result reports the installed version. */
  private install(name: string, connection: pulumi.Input<Connection>, s: GrafanaSettings) {
    const install = s.install;
    if (!install) throw new Error(`Grafana ${name}: run: true without install (the schema requires it)`);
    return aptInstall(
      name,
      {
        connection,
        repository: {
          name: "grafana",
          uris: install.repoUrl.replace(/\/+$/, ""),
          suites: install.suite,
          components: "main",
          keyUrl: install.keyUrl,
          keyFingerprint: install.keyFingerprint,
        },
        packages: [install.version ? `grafana=${install.version}` : "grafana"],
      },
      { parent: this },
    );
  }
}
