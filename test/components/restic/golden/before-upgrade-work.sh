# Before openclaw 2026.6.12 is installed: the gateway's state is backed up, by the backup job's
# own unit (so the run is recorded like the timer's), and the upgrade waits for it. A failed
# backup fails the deploy before the new release is installed: the gateway keeps running the
# release it runs. A blank host has nothing to back up.
state='/var/lib/openclaw-work'
if ! systemctl cat 'restic-state-backup-work.service' >/dev/null 2>&1; then
  echo "restic-state-backup-work.service is not installed: no backup before openclaw 2026.6.12"
  exit 0
fi
if [ ! -d "$state" ] || [ -z "$(find "$state" -mindepth 1 -maxdepth 1 -print -quit)" ]; then
  echo "$state is empty: nothing to back up before openclaw 2026.6.12"
  exit 0
fi
started=$(date +%s)
if ! systemctl start 'restic-state-backup-work.service'; then
  echo "the backup of $state before openclaw 2026.6.12 failed, so the release was not installed: the gateway runs the one it ran. The job's journal:" >&2
  journalctl --no-pager -o cat -n 25 "_SYSTEMD_INVOCATION_ID=$(systemctl show -p InvocationID --value 'restic-state-backup-work.service')" >&2 || true
  exit 1
fi
echo "backed up $state before openclaw 2026.6.12 in $(( $(date +%s) - started ))s"
