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
dest='/etc/postgresql/17/main/pg_hba.conf'
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
candidate="$work/candidate"
cat > "$candidate"
chmod 0644 "$candidate"
changed=no
if [ -f "$dest" ] && cmp -s "$candidate" "$dest"; then
  if [ "$(stat -c %U:%G:%a "$dest")" = 'postgres:postgres:640' ]; then
    echo "unchanged $dest"
  else
    chown 'postgres:postgres' "$dest" && chmod '0640' "$dest"
    echo "set owner and mode of $dest"
  fi
else
  if [ -f "$dest" ]; then cp -p "$dest" "$work/previous"; fi
  install -m '0640' -o 'postgres' -g 'postgres' "$candidate" "$dest"
  if ! out=$( { ! systemctl is-active --quiet 'postgresql@17-main.service' || {
  if grep -q '^hostssl' "$dest" && [ "$(sql -d postgres -tAc 'SHOW ssl')" != on ]; then
    echo "the cluster runs with ssl = off, so hostssl entries would refuse every peer: give it a certificate and ssl = on, or set ssl: disable"; exit 1
  fi
  errors=$(sql -d postgres -tAc "SELECT 'line ' || line_number || ': ' || error FROM pg_catalog.pg_hba_file_rules WHERE error IS NOT NULL")
  [ -z "$errors" ] || { echo "$errors"; exit 1; }
}; } 2>&1 ); then
    if [ -f "$work/previous" ]; then cp -p "$work/previous" "$dest"; else rm -f "$dest"; fi
    echo 'pg_hba_file_rules rejects the new /etc/postgresql/17/main/pg_hba.conf; the current one stays:' >&2
    echo "$out" >&2
    exit 1
  fi
  changed=yes
  echo "wrote $dest (pg_hba_file_rules: ok)"
fi
if [ "$changed" = yes ] && systemctl is-active --quiet 'postgresql@17-main.service'; then
  sql -d postgres -tAc "SELECT pg_catalog.pg_reload_conf()" >/dev/null; echo "reloaded postgresql@17-main.service"
fi
