# Restore on a blank host: the cluster was just created (empty) and has not started yet. With a
# backup in the repository (vps1:/srv/backups/pgbackrest/vps2), its latest one replaces the empty data directory,
# and PostgreSQL replays the archived WAL when it starts: every write archived before the host
# was lost comes back. A host whose cluster already existed never gets here.
pgbr() { runuser -u postgres -- /usr/bin/pgbackrest --stanza=main "$@"; }
# An unreadable repository is not an empty one: starting empty would hide the data that is there.
if ! info=$(pgbr --log-level-console=error info --output=json 2>&1); then
  echo "cannot read the repository vps1:/srv/backups/pgbackrest/vps2 to look for a backup to restore:" >&2
  echo "$info" >&2
  echo "fix the repository host, or set pgBackRest.restore: none to start this host empty" >&2
  exit 1
fi
if grep -q '"status":{"code":0' <<<"$info"; then
  latest=$(grep -o '"label":"[^"]*"' <<<"$info" | tail -n 1 | cut -d'"' -f4)
  echo "restoring backup $latest from vps1:/srv/backups/pgbackrest/vps2 into '/var/lib/postgresql/17/main'"
  find '/var/lib/postgresql/17/main' -mindepth 1 -delete
  started=$(date +%s)
  pgbr --process-max=2 restore
  echo "restored $latest in $(( $(date +%s) - started ))s; PostgreSQL replays the archived WAL when it starts"
else
  echo "no backup to restore in vps1:/srv/backups/pgbackrest/vps2: the cluster starts empty"
fi
