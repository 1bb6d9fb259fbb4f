// The alert rules, as data: each names the metric it needs and the job that scrapes it (the
// jobs come from the registry's `scrape` hooks). Rendered to one Prometheus rules file,
// checked on the host with `promtool check rules` and unit-tested with `promtool test rules`
// (test/components/prometheus/rules.test.ts).
//
// Seed 004's rules, by what the gateway exposes: it serves no Prometheus /metrics (its metrics
// leave by OTLP, if at all), so OpenClawDown becomes GatewayUnhealthy on the blackbox probe of
// /health; HighErrorRate, ChannelDisconnected, HighMemoryUsage and HighResponseTime need
// openclaw_* and process_* series of the gateway that no scrape provides and are not here.
import { INSTANCE_LABEL } from "../gateway-service/schema";
import { AlertRulesSettings } from "./schema";

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: "critical" | "warning" };
  annotations: { summary: string };
}

/**
 * The gateway instance a probe series is of: the blackbox job "gateway" has one target per
 * instance (components/gateway-service/instances.ts), labelled instance_name ("default" on a
 * host with one gateway). The rules keep every label of the series, so each instance alerts on
 * its own.
 */
const INSTANCE = `{{ $labels.${INSTANCE_LABEL} }}`;

/** Filesystems that hold data (not tmpfs, overlays of containers, squashfs images). */
const REAL_FS = 'fstype!~"tmpfs|ramfs|squashfs|overlay|nsfs|fuse.*"';

export function alertRules(a: AlertRulesSettings): AlertRule[] {
  const pct = (ratio: number) => `${Math.round(ratio * 100)}%`;
  return [
    {
      alert: "HostDown",
      expr: 'up{job="node"} == 0',
      for: a.for.hostDown,
      labels: { severity: "critical" },
      annotations: { summary: "{{ $labels.host }} does not answer on the private network (node-exporter down)" },
    },
    {
      alert: "TargetDown",
      expr: 'up{job!="node"} == 0',
      for: a.for.targetDown,
      labels: { severity: "warning" },
      annotations: { summary: "{{ $labels.job }} on {{ $labels.host }} ({{ $labels.instance }}) cannot be scraped" },
    },
    {
      alert: "DiskAlmostFull",
      expr: `node_filesystem_avail_bytes{${REAL_FS}} / node_filesystem_size_bytes{${REAL_FS}} < ${a.diskFreeRatio} and node_filesystem_readonly{${REAL_FS}} == 0`,
      for: a.for.diskAlmostFull,
      labels: { severity: "critical" },
      annotations: { summary: `{{ $labels.mountpoint }} on {{ $labels.host }} has less than ${pct(a.diskFreeRatio)} free` },
    },
    {
      alert: "DiskFillingUp",
      expr: `predict_linear(node_filesystem_avail_bytes{${REAL_FS}}[6h], 24 * 3600) < 0 and node_filesystem_readonly{${REAL_FS}} == 0`,
      for: a.for.diskFillingUp,
      labels: { severity: "warning" },
      annotations: { summary: "{{ $labels.mountpoint }} on {{ $labels.host }} fills up within 24 hours at the rate of the last 6" },
    },
    {
      alert: "MemoryLow",
      expr: `node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < ${a.memoryAvailableRatio}`,
      for: a.for.memoryLow,
      labels: { severity: "warning" },
      annotations: { summary: `{{ $labels.host }} has less than ${pct(a.memoryAvailableRatio)} of its memory available` },
    },
    {
      alert: "GatewayUnhealthy",
      expr: 'probe_success{job="gateway"} == 0',
      for: a.for.gatewayUnhealthy,
      labels: { severity: "critical" },
      annotations: { summary: `the gateway instance ${INSTANCE} on {{ $labels.host }} does not answer /health` },
    },
    {
      // The gateway serves no restart counter and node-exporter's systemd collector needs
      // D-Bus, which its hardened unit does not get: a restart shows as /health failing then
      // answering again, so repeated flips of the probe within the window are the signal.
      alert: "GatewayRestarting",
      expr: `changes(probe_success{job="gateway"}[${a.gatewayRestarts.window}]) >= ${a.gatewayRestarts.count}`,
      for: a.for.gatewayRestarting,
      labels: { severity: "warning" },
      annotations: {
        summary: `the gateway instance ${INSTANCE} on {{ $labels.host }} went down and up again repeatedly in ${a.gatewayRestarts.window}`,
      },
    },
    {
      alert: "PostgresDown",
      expr: "pg_up == 0",
      for: a.for.postgresDown,
      labels: { severity: "critical" },
      annotations: { summary: "PostgreSQL on {{ $labels.host }} refuses postgres-exporter" },
    },
    {
      // promtail labels each push with the HTTP status, or a non-2xx stand-in when the
      // connection itself failed.
      alert: "LogAgentPushFailing",
      expr: 'sum by (host) (rate(promtail_request_duration_seconds_count{status_code!~"2.."}[5m])) > 0',
      for: a.for.logAgentPushFailing,
      labels: { severity: "warning" },
      annotations: { summary: "the log agent on {{ $labels.host }} cannot push to Loki" },
    },
    {
      alert: "LogAgentDroppingLines",
      expr: "sum by (host) (increase(promtail_dropped_entries_total[10m])) > 0",
      for: "0s",
      labels: { severity: "critical" },
      annotations: { summary: "the log agent on {{ $labels.host }} dropped log lines" },
    },
    {
      // Written by every backup job's ExecStopPost (src/remote/backup-metric.ts), whatever the tool.
      alert: "BackupFailing",
      expr: "openclaw_backup_last_run_success == 0",
      for: a.for.backupFailing,
      labels: { severity: "critical" },
      annotations: { summary: "the last {{ $labels.tool }} {{ $labels.backup }} run on {{ $labels.host }} failed" },
    },
    {
      // Backups (not verify) per host and tool: the newest success of any of its jobs.
      alert: "BackupTooOld",
      expr: `time() - max by (host, tool) (openclaw_backup_last_success_timestamp_seconds{backup!="verify"}) > ${seconds(a.backupMaxAge)}`,
      for: "0s",
      labels: { severity: "critical" },
      annotations: { summary: `no successful {{ $labels.tool }} backup on {{ $labels.host }} for more than ${a.backupMaxAge}` },
    },
    {
      // Written by the updates component's timer (components/updates) from /run/reboot-required.
      alert: "RebootRequired",
      expr: "openclaw_reboot_required == 1",
      for: a.for.rebootRequired,
      labels: { severity: "warning" },
      annotations: { summary: "{{ $labels.host }} installed an update that needs a reboot" },
    },
  ];
}

/** A Prometheus duration in seconds (durationSchema's units). */
export function seconds(duration: string): number {
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  return [...duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)].reduce((sum, [, n, u]) => sum + Number(n) * unit[u], 0);
}

/** The rules file as an object (one group). */
export function rulesFile(a: AlertRulesSettings) {
  return { groups: [{ name: "openclaw-infra", rules: alertRules(a) }] };
}
