# Client authentication (/etc/postgresql/17/main/pg_hba.conf), replaced whole:
# PostgreSQL parses the new file (pg_hba_file_rules) before the reload that applies it, and
# the previous file comes back when any line is rejected.
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

hba='/etc/postgresql/17/main/pg_hba.conf'
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat > "$work/new"
if cmp -s "$work/new" "$hba"; then echo "unchanged $hba"; exit 0; fi
if ! systemctl is-active --quiet 'postgresql@17-main.service'; then
  # A stopped server reads (and checks) the file when it starts.
  install -m 0640 -o postgres -g postgres "$work/new" "$hba"; echo "wrote $hba (postgresql@17-main.service is stopped)"; exit 0
fi
if [ "$(sql -d postgres -tAc 'SHOW ssl')" != on ]; then
  echo "the cluster runs with ssl = off, so hostssl entries would refuse every peer:" >&2
  echo "give it a certificate and ssl = on, or set ssl: disable" >&2
  exit 1
fi
cp -p "$hba" "$work/previous"
install -m 0640 -o postgres -g postgres "$work/new" "$hba"
errors=$(sql -d postgres -tAc "SELECT 'line ' || line_number || ': ' || error FROM pg_catalog.pg_hba_file_rules WHERE error IS NOT NULL")
if [ -n "$errors" ]; then
  install -m 0640 -o postgres -g postgres "$work/previous" "$hba"
  echo "PostgreSQL rejects the new $hba; the previous one is back:" >&2
  echo "$errors" >&2
  exit 1
fi
sql -d postgres -tAc "SELECT pg_catalog.pg_reload_conf()" >/dev/null
echo "wrote $hba, reloaded"
