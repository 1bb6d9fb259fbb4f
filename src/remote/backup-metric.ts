// How a backup job's runs become metrics: its unit's ExecStopPost= runs a small script (as
// root, outside the unit's sandbox) that writes the result and the time of the last success
// into node-exporter's textfile directory. The alert rules "backup failing" and "no
// successful backup for 26 h" read these, whichever tool ran.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Directive } from "../hardening";
import { RemoteCommand } from "./command";
import { remoteFile } from "./file";
import { Connection } from "./ssh";

/** Debian's prometheus-node-exporter reads *.prom here by default: every metric a host's own job writes. */
export const TEXTFILE_DIR = "/var/lib/prometheus/node-exporter";

export const BACKUP_RUN_METRIC = {
  script: "/usr/local/libexec/openclaw-infra/backup-run-metric",
} as const;

export const BACKUP_RUN_METRIC_SCRIPT = fs.readFileSync(path.join(__dirname, "templates", "backup-run-metric.sh"), "utf8");

/** The directive a backup job's service carries; "+" runs it with full privileges, so the sandbox stays strict. */
export function runMetricDirective(tool: string, job: string): Directive {
  if (!/^[a-z0-9-]+$/.test(tool + job)) throw new Error(`backup metric: '${tool}'/'${job}' must be lowercase names`);
  return ["ExecStopPost", `+${BACKUP_RUN_METRIC.script} ${tool} ${job}`];
}

/** Installs the script (0755 root). */
export function backupRunMetric(name: string, connection: pulumi.Input<Connection>, opts?: pulumi.CustomResourceOptions): RemoteCommand {
  return remoteFile(name, { connection, path: BACKUP_RUN_METRIC.script, content: BACKUP_RUN_METRIC_SCRIPT, mode: "0755" }, opts);
}
