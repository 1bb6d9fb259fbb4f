# PostgreSQL 17, cluster 17/main: created when missing; an existing one (and its data
# directory) is used as it is, so a destroy + up finds the data again.
# Helpers: the server is reached as the postgres user over its socket, on the port the running
# postmaster wrote into postmaster.pid (line 4), so a port change in flight cannot mislead them.
cd /
pgdata='/var/lib/postgresql/17/main'
pgport() { sed -n 4p "$pgdata/postmaster.pid" 2>/dev/null || true; }
sql() { runuser -u postgres -- '/usr/lib/postgresql/17/bin/psql' -X -q -v ON_ERROR_STOP=1 -h '/var/run/postgresql' -p "$(pgport)" "$@"; }
wait_ready() {
  for i in $(seq 1 60); do
    if [ -n "$(pgport)" ] && runuser -u postgres -- '/usr/lib/postgresql/17/bin/pg_isready' -q -h '/var/run/postgresql' -p "$(pgport)"; then
      return 0
    fi
    sleep 1
  done
  echo "postgresql@17-main.service does not accept connections after 60s; last journal lines:" >&2
  journalctl -u 'postgresql@17-main.service' -n 40 --no-pager -o cat >&2
  exit 1
}
# $1 = yes when a configuration file changed. A setting only a restart applies (listen_addresses,
# port, shared_buffers, max_connections) shows up in pg_file_settings with an error until then;
# anything else takes effect on a reload.
apply_config() {
  if ! systemctl is-active --quiet 'postgresql@17-main.service'; then
    systemctl restart 'postgresql@17-main.service'; wait_ready; echo "started postgresql@17-main.service"; return 0
  fi
  pending=$(sql -d postgres -tAc "SELECT count(*) FROM pg_catalog.pg_file_settings WHERE error IS NOT NULL")
  if [ "$pending" != 0 ]; then
    systemctl restart 'postgresql@17-main.service'; wait_ready; echo "restarted postgresql@17-main.service"
  elif [ "$1" = yes ]; then
    sql -d postgres -tAc "SELECT pg_catalog.pg_reload_conf()" >/dev/null; echo "reloaded postgresql@17-main.service"
  fi
}

# Our unit drop-in (hardening, start after the network) arrives on stdin: read it first. A running server
# picks a changed drop-in up only when restarted.
written=$( (
dest='/etc/systemd/system/postgresql@17-main.service.d/10-openclaw.conf'
tmp=""
for attempt in 1 2 3 4 5; do
  [ -d '/etc/systemd/system/postgresql@17-main.service.d' ] || install -d -m 0755 '/etc/systemd/system/postgresql@17-main.service.d'
  tmp=$(mktemp '/etc/systemd/system/postgresql@17-main.service.d/.tmp.XXXXXX' 2>/dev/null) && break
done
[ -n "$tmp" ] || { echo 'cannot create a file in /etc/systemd/system/postgresql@17-main.service.d' >&2; exit 1; }
trap 'rm -f "$tmp"' EXIT
cat > "$tmp"
chown 'root:root' "$tmp"
chmod '0644' "$tmp"
if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then
  if [ "$(stat -c %U:%G:%a "$dest")" = 'root:root:644' ]; then
    echo "unchanged $dest"
  else
    chown 'root:root' "$dest" && chmod '0644' "$dest"
    echo "set owner and mode of $dest"
  fi
else
  mv -f "$tmp" "$dest"
  echo "wrote $dest"
fi
) )
echo "$written"
if [ "${written%% *}" = wrote ]; then systemctl daemon-reload; start=restart; else start=start; fi
# Another major version's cluster on our port means a major upgrade, which is not automated:
# refuse instead of starting a second, empty cluster next to the data.
other=$(pg_lsclusters --no-header | awk -v v=17 -v p=5432 '$1 != v && $3 == p {print $1 "/" $2}')
if [ -n "$other" ]; then
  echo "cluster $other already uses port 5432: upgrading it to 17 is not automated (pg_upgradecluster, then set version: 17)" >&2
  exit 1
fi
if pg_lsclusters --no-header | awk '{print $1 "/" $2}' | grep -qx '17/main'; then
  echo "cluster 17/main exists"
else
  pg_createcluster 17 main --port 5432
  echo "created cluster 17/main"
fi
systemctl enable --quiet postgresql.service
systemctl "$start" 'postgresql@17-main.service'
wait_ready
echo "postgresql@17-main.service accepts connections on port $(pgport)"
