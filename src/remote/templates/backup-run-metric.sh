#!/bin/sh
# Records how a backup job's run ended (label backup: full, diff, verify...; `job` is Prometheus's own), for node-exporter's textfile collector. Called by the
# job's ExecStopPost= as root: backup-run-metric <tool> <backup>, with systemd's $SERVICE_RESULT.
# A failed run keeps the time of the last success, so "no success for 26 h" still counts.
set -eu
tool=$1 backup=$2
dir=${TEXTFILE_DIR:-/var/lib/prometheus/node-exporter}
[ -d "$dir" ] || install -d -m 0755 "$dir"
file="$dir/openclaw-backup-$tool-$backup.prom"
now=$(date +%s)
last=$(sed -n 's/^openclaw_backup_last_success_timestamp_seconds{[^}]*} //p' "$file" 2>/dev/null || true)
if [ "${SERVICE_RESULT:-}" = success ]; then ok=1; last=$now; else ok=0; fi
labels="tool=\"$tool\",backup=\"$backup\""
tmp=$(mktemp "$dir/.openclaw-backup.XXXXXX")
{
  echo "# HELP openclaw_backup_last_run_success 1 when the last run of the backup job succeeded, 0 when it failed."
  echo "# TYPE openclaw_backup_last_run_success gauge"
  echo "openclaw_backup_last_run_success{$labels} $ok"
  echo "# HELP openclaw_backup_last_run_timestamp_seconds When the last run of the backup job ended."
  echo "# TYPE openclaw_backup_last_run_timestamp_seconds gauge"
  echo "openclaw_backup_last_run_timestamp_seconds{$labels} $now"
  if [ -n "$last" ]; then
    echo "# HELP openclaw_backup_last_success_timestamp_seconds When a run of the backup job last succeeded."
    echo "# TYPE openclaw_backup_last_success_timestamp_seconds gauge"
    echo "openclaw_backup_last_success_timestamp_seconds{$labels} $last"
  fi
} > "$tmp"
chmod 0644 "$tmp"
mv -f "$tmp" "$file"
echo "backup $tool $backup: result ${SERVICE_RESULT:-unknown}, recorded in $file"
