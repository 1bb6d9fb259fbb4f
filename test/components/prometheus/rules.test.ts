// The alert rules against the real promtool (Debian's, from this machine: 2.42 on Debian 12;
// the hosts run Debian 13's 2.53, and the rules use nothing newer than 2.42): `check rules`,
// then `test rules` with series shaped like the exporters' own, each rule firing when it
// should and staying quiet when it should not. `for:` comes from the typed options.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { alertRules, rulesFile } from "../../../components/prometheus/rules";
import { alertRulesSchema } from "../../../components/prometheus/schema";
import { runTool } from "../../support/prometheus-tools";

const defaults = alertRulesSchema.parse({});

function withRules(rules: object, tests: object[]): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openclaw-rules-"));
  try {
    fs.writeFileSync(path.join(dir, "rules.yml"), stringify(rules));
    fs.writeFileSync(path.join(dir, "tests.yml"), stringify({ rule_files: ["rules.yml"], evaluation_interval: "1m", tests }));
    return runTool("promtool", ["test", "rules", "tests.yml"], dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const node = { job: "node", host: "vps2", instance: "10.0.0.2:9100" };
const labels = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;
const rootFs = { ...node, device: "/dev/vda1", fstype: "ext4", mountpoint: "/" };
// One probe target per gateway instance, each labelled with its instance_name ("default" alone).
const gw = { job: "gateway", host: "vps1", instance: "10.0.0.1:9115", instance_name: "default" };
const gwWork = { ...gw, instance_name: "work" };
const pg = { job: "postgres", host: "vps2", instance: "10.0.0.2:9187" };
const promtail = { job: "promtail", host: "vps1", instance: "10.0.0.1:9080" };

/** One alert expected at `at` with its labels (the series' plus the rule's) and summary. */
function alert(name: string, at: string, exp: { labels: Record<string, string>; summary: string }[]) {
  return {
    eval_time: at,
    alertname: name,
    exp_alerts: exp.map((e) => ({ exp_labels: e.labels, exp_annotations: { summary: e.summary } })),
  };
}

describe("alert rules", () => {
  it("pass promtool check rules", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openclaw-rules-"));
    fs.writeFileSync(path.join(dir, "rules.yml"), stringify(rulesFile(defaults)));
    const r = runTool("promtool", ["check", "rules", path.join(dir, "rules.yml")]);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(r.output).toContain(`SUCCESS: ${alertRules(defaults).length} rules found`);
    expect(r.status).toBe(0);
  });

  it("take every `for:` from the typed options", () => {
    const short = alertRulesSchema.parse({ for: { gatewayUnhealthy: "10s", hostDown: "30s" } });
    const byName = Object.fromEntries(alertRules(short).map((r) => [r.alert, r.for]));
    expect(byName.GatewayUnhealthy).toBe("10s");
    expect(byName.HostDown).toBe("30s");
    expect(alertRulesSchema.safeParse({ for: { gatewayUnhealthy: "10 seconds" } }).success).toBe(false);
  });

  it("fire on the series the exporters produce, after their `for:`, and not before (promtool test rules)", () => {
    const tests = [
      {
        interval: "1m",
        input_series: [
          { series: `up${labels(node)}`, values: "1 0 0 0 0" },
          { series: `up${labels(pg)}`, values: "0x10" },
        ],
        alert_rule_test: [
          alert("HostDown", "2m", []),
          alert("HostDown", "3m", [
            { labels: { ...node, severity: "critical" }, summary: "vps2 does not answer on the private network (node-exporter down)" },
          ]),
          alert("TargetDown", "4m", []),
          alert("TargetDown", "5m", [
            { labels: { ...pg, severity: "warning" }, summary: "postgres on vps2 (10.0.0.2:9187) cannot be scraped" },
          ]),
        ],
      },
      {
        interval: "1m",
        input_series: [
          { series: `node_filesystem_avail_bytes${labels(rootFs)}`, values: "5x20" },
          { series: `node_filesystem_size_bytes${labels(rootFs)}`, values: "100x20" },
          { series: `node_filesystem_readonly${labels(rootFs)}`, values: "0x20" },
          { series: `node_memory_MemAvailable_bytes${labels(node)}`, values: "50x20" },
          { series: `node_memory_MemTotal_bytes${labels(node)}`, values: "1000x20" },
        ],
        alert_rule_test: [
          alert("DiskAlmostFull", "15m", [{ labels: { ...rootFs, severity: "critical" }, summary: "/ on vps2 has less than 10% free" }]),
          alert("MemoryLow", "9m", []),
          alert("MemoryLow", "10m", [
            { labels: { ...node, severity: "warning" }, summary: "vps2 has less than 10% of its memory available" },
          ]),
        ],
      },
      {
        // 1 GB free, losing 100 MB an hour: empty in 10 hours.
        interval: "1m",
        input_series: [
          { series: `node_filesystem_avail_bytes${labels(rootFs)}`, values: "1000000000-1666666x600" },
          { series: `node_filesystem_readonly${labels(rootFs)}`, values: "0x600" },
        ],
        alert_rule_test: [
          alert("DiskFillingUp", "8h", [
            { labels: { ...rootFs, severity: "warning" }, summary: "/ on vps2 fills up within 24 hours at the rate of the last 6" },
          ]),
          alert("DiskAlmostFull", "2h", []),
        ],
      },
      {
        interval: "1m",
        input_series: [
          // Healthy, then down from minute 3 for good.
          { series: `probe_success${labels(gw)}`, values: "1 1 1 0 0 0 0 0" },
        ],
        alert_rule_test: [
          alert("GatewayUnhealthy", "4m", []),
          alert("GatewayUnhealthy", "5m", [
            { labels: { ...gw, severity: "critical" }, summary: "the gateway instance default on vps1 does not answer /health" },
          ]),
          alert("GatewayRestarting", "7m", []),
        ],
      },
      {
        interval: "1m",
        input_series: [{ series: `probe_success${labels(gw)}`, values: "1 0 1 0 1 1 1 1" }],
        alert_rule_test: [
          alert("GatewayRestarting", "2m", []),
          alert("GatewayRestarting", "4m", [
            {
              labels: { ...gw, severity: "warning" },
              summary: "the gateway instance default on vps1 went down and up again repeatedly in 15m",
            },
          ]),
        ],
      },
      {
        // Two instances on one host: only work goes down, and only work alerts, by name.
        interval: "1m",
        input_series: [
          { series: `probe_success${labels(gw)}`, values: "1x10" },
          { series: `probe_success${labels(gwWork)}`, values: "1 1 1 0 0 0 0 0 0 0 0" },
        ],
        alert_rule_test: [
          alert("GatewayUnhealthy", "4m", []),
          alert("GatewayUnhealthy", "5m", [
            { labels: { ...gwWork, severity: "critical" }, summary: "the gateway instance work on vps1 does not answer /health" },
          ]),
          alert("GatewayUnhealthy", "10m", [
            { labels: { ...gwWork, severity: "critical" }, summary: "the gateway instance work on vps1 does not answer /health" },
          ]),
        ],
      },
      {
        // Two instances on one host: only work flaps, and only work alerts, by name.
        interval: "1m",
        input_series: [
          { series: `probe_success${labels(gw)}`, values: "1x10" },
          { series: `probe_success${labels(gwWork)}`, values: "1 0 1 0 1 1 1 1" },
        ],
        alert_rule_test: [
          alert("GatewayRestarting", "4m", [
            {
              labels: { ...gwWork, severity: "warning" },
              summary: "the gateway instance work on vps1 went down and up again repeatedly in 15m",
            },
          ]),
        ],
      },
      {
        interval: "1m",
        input_series: [
          { series: `pg_up${labels(pg)}`, values: "1 0 0 0" },
          { series: `promtail_request_duration_seconds_count${labels({ ...promtail, status_code: "200" })}`, values: "0+10x30" },
          { series: `promtail_request_duration_seconds_count${labels({ ...promtail, status_code: "-1" })}`, values: "0x10 0+5x20" },
          { series: `promtail_dropped_entries_total${labels({ ...promtail, reason: "ingester_error" })}`, values: "0x20 7x10" },
        ],
        alert_rule_test: [
          alert("PostgresDown", "1m", []),
          alert("PostgresDown", "2m", [
            { labels: { ...pg, severity: "critical" }, summary: "PostgreSQL on vps2 refuses postgres-exporter" },
          ]),
          alert("LogAgentPushFailing", "10m", []),
          alert("LogAgentPushFailing", "25m", [
            { labels: { host: "vps1", severity: "warning" }, summary: "the log agent on vps1 cannot push to Loki" },
          ]),
          alert("LogAgentDroppingLines", "19m", []),
          alert("LogAgentDroppingLines", "22m", [
            { labels: { host: "vps1", severity: "critical" }, summary: "the log agent on vps1 dropped log lines" },
          ]),
        ],
      },
    ];
    // Backups, on node-exporter's textfile series (the job label is the backup job's here).
    const pgDiff = { host: "vps2", instance: "10.0.0.2:9100", job: "node", backup: "diff", tool: "pgbackrest" };
    const pgVerify = { ...pgDiff, backup: "verify" };
    tests.push(
      {
        // A diff succeeds at minute 0 (time 0), then every run fails from minute 2 on.
        interval: "1m",
        input_series: [
          { series: `openclaw_backup_last_run_success${labels(pgDiff)}`, values: "1 1 0 0" },
          { series: `openclaw_backup_last_success_timestamp_seconds${labels(pgDiff)}`, values: "0 0 0 0" },
        ],
        alert_rule_test: [
          alert("BackupFailing", "1m", []),
          alert("BackupFailing", "2m", [
            { labels: { ...pgDiff, severity: "critical" }, summary: "the last pgbackrest diff run on vps2 failed" },
          ]),
        ],
      },
      {
        // The last success at time 0; verify keeps succeeding, which is no backup.
        interval: "1h",
        input_series: [
          { series: `openclaw_backup_last_success_timestamp_seconds${labels(pgDiff)}`, values: "0x30" },
          { series: `openclaw_backup_last_success_timestamp_seconds${labels(pgVerify)}`, values: "0+3600x30" },
        ],
        alert_rule_test: [
          alert("BackupTooOld", "26h", []),
          alert("BackupTooOld", "27h", [
            {
              labels: { host: "vps2", tool: "pgbackrest", severity: "critical" },
              summary: "no successful pgbackrest backup on vps2 for more than 26h",
            },
          ]),
        ],
      },
      {
        // An update needs a reboot from minute 10 on: a warning an hour later, not before.
        interval: "1m",
        input_series: [{ series: 'openclaw_reboot_required{host="vps1"}', values: "0x9 1x80" }],
        alert_rule_test: [
          alert("RebootRequired", "1h", []),
          alert("RebootRequired", "70m", [
            { labels: { host: "vps1", severity: "warning" }, summary: "vps1 installed an update that needs a reboot" },
          ]),
        ],
      },
    );
    const r = withRules(rulesFile(defaults), tests);
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });
});
