// Updates: Debian's unattended-upgrades installing security updates daily, and a metric saying
// when one of them needs a reboot (the alert RebootRequired reads it). The apt configuration is
// checked by `apt-config` in place (apt reads the whole folder; a refused file is put back).
// Destroy removes our files and units; the package stays (apt's rule for shared packages).
import * as pulumi from "@pulumi/pulumi";
import { aptPackages } from "../../src/remote/apt";
import { checkedFile } from "../../src/remote/checked-file";
import { remoteFile } from "../../src/remote/file";
import { script, sh } from "../../src/remote/shell";
import { Connection } from "../../src/remote/ssh";
import { systemdUnit } from "../../src/remote/systemd";
import { parseOrThrow } from "../../src/validate";
import { metricServiceSpec, metricTimerSpec, PACKAGE, PATHS, renderAptConfig, renderMetricScript } from "./render";
import { UpdatesOptions, updatesOptionsSchema } from "./schema";

export * from "./schema";

export interface UpdatesArgs extends UpdatesOptions {
  connection: pulumi.Input<Connection>;
}

/** apt's own timers run unattended-upgrade: on, whatever an image did to them. */
const ENABLE_APT_TIMERS = script(`systemctl enable --now --quiet ${PATHS.aptTimers.map(sh).join(" ")}`);

export class Updates extends pulumi.ComponentResource {
  constructor(name: string, args: UpdatesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:host:Updates", name, {}, opts);
    const { connection, ...options } = args;
    const s = parseOrThrow(updatesOptionsSchema, options, `Updates ${name}: `);
    const parent = { parent: this };
    const installed = aptPackages(`${name}-package`, { connection, packages: [PACKAGE] }, parent);
    checkedFile(
      `${name}-apt-config`,
      {
        connection,
        path: PATHS.aptConfig,
        content: renderAptConfig(s),
        mode: "0644",
        checkInPlace: true,
        checker: "apt-config dump >/dev/null",
        checkerName: "apt-config dump",
        apply: ENABLE_APT_TIMERS,
      },
      { ...parent, dependsOn: [installed] },
    );
    const metricScript = remoteFile(
      `${name}-metric-script`,
      { connection, path: PATHS.metricScript, content: renderMetricScript(), mode: "0755" },
      parent,
    );
    const service = systemdUnit(
      `${name}-metric-service`,
      { connection, name: `${PATHS.metricUnit}.service`, spec: metricServiceSpec(), start: "by-timer" },
      { ...parent, dependsOn: [metricScript] },
    );
    systemdUnit(
      `${name}-metric-timer`,
      { connection, name: `${PATHS.metricUnit}.timer`, spec: metricTimerSpec(s) },
      { ...parent, dependsOn: [service] },
    );
    this.registerOutputs({});
  }
}
