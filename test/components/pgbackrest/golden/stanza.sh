# The stanza in the repository (created when missing), then `pgbackrest check`: PostgreSQL
# archives a WAL segment and pgBackRest finds it in the repository, so archiving works end to
# end. A repository without a backup gets its first full backup now, through the job's own unit
# (so its run is recorded like the timer's).
pgbr() { runuser -u postgres -- /usr/bin/pgbackrest --stanza=main "$@"; }
pgbr stanza-create
pgbr check
echo "pgbackrest check passed: WAL archiving reaches the repository"
if pgbr --log-level-console=off info --output=json | grep -q '"status":{"code":2'; then
  echo "no backup in the repository yet: the first full backup runs now"
  systemctl start pgbackrest-full.service
  echo "first full backup done"
fi
pgbr --log-level-console=off info | sed -n 's/^ *\(full\|diff\|incr\) backup: /backup: /p' | tail -n 1
