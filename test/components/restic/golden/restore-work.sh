# Restore on a blank host, before the gateway first starts (GatewayService runs this only when
# /var/lib/openclaw-work is empty): the latest snapshot of vps1's state of instance work in sftp:restic-repo@10.0.0.2:/srv/backups/restic/vps1 (on vps2)
# fills it. A repository that cannot be read fails the deploy, since starting empty would hide the
# snapshots that are there; a repository without a snapshot lets the gateway start empty.
state='/var/lib/openclaw-work'
password='/etc/restic/password' key='/etc/restic/ssh/id_ed25519' known_hosts='/etc/restic/ssh/known_hosts'
restic_() {
  restic --repo 'sftp:restic-repo@10.0.0.2:/srv/backups/restic/vps1' \
    --password-file "$password" \
    -o "sftp.args=-F /dev/null -p 22 -i $key -o IdentitiesOnly=yes -o UserKnownHostsFile=$known_hosts -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=30 -o ServerAliveInterval=30" \
    --no-cache "$@"
}
err=$(mktemp)
trap 'rm -f "$err"' EXIT
if ! latest=$(restic_ snapshots --json --host 'vps1' --tag 'openclaw-state-work' --latest 1 2>"$err"); then
  echo "cannot read the restic repository sftp:restic-repo@10.0.0.2:/srv/backups/restic/vps1 (on vps2) to look for a snapshot of $state:" >&2
  tail -n 15 "$err" >&2
  echo "fix the repository host, or set stateBackup.restore: none to start the gateway with an empty state" >&2
  exit 1
fi
id=$(grep -o '"id":"[0-9a-f]*"' <<<"$latest" | tail -n 1 | cut -d'"' -f4 || true)
if [ -z "$id" ]; then
  echo "no snapshot of vps1's state of instance work in sftp:restic-repo@10.0.0.2:/srv/backups/restic/vps1 (on vps2): the gateway starts with an empty state"
  exit 0
fi
taken=$(grep -o '"time":"[^"]*"' <<<"$latest" | tail -n 1 | cut -d'"' -f4 || true)
[ -d "$state" ] || install -d -m 0700 "$state"
if [ -n "$(find "$state" -mindepth 1 -maxdepth 1 -print -quit)" ]; then
  echo "$state is not empty: not restoring into it" >&2
  exit 1
fi
echo "restoring snapshot ${id:0:8} of vps1's state of instance work, taken $taken, from sftp:restic-repo@10.0.0.2:/srv/backups/restic/vps1 (on vps2)"
started=$(date +%s)
# Into a folder beside the state (same file system), moved into place once complete: a restore
# cut short leaves the state empty, so the next up tries again.
work=$(mktemp -d "$(dirname "$state")/.restic-restore.XXXXXX")
trap 'rm -f "$err"; rm -rf "$work"' EXIT
restic_ restore "$id" --target "$work"
if [ ! -d "$work"'/var/lib/openclaw-backup-work/state' ]; then
  echo "snapshot ${id:0:8} holds no /var/lib/openclaw-backup-work/state: not a snapshot of the gateway's state" >&2
  exit 1
fi
find "$work"'/var/lib/openclaw-backup-work/state' -mindepth 1 -maxdepth 1 -exec mv -t "$state" -- {} +
echo "restored snapshot ${id:0:8} into $state: $(find "$state" -mindepth 1 | wc -l) entries in $(( $(date +%s) - started ))s"
