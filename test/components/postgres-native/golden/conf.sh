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
dest='/etc/postgresql/17/main/conf.d/90-openclaw.conf'
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
candidate="$work/candidate"
cat > "$candidate"
chmod 0644 "$candidate"
changed=no
if [ -f "$dest" ] && cmp -s "$candidate" "$dest"; then
  if [ "$(stat -c %U:%G:%a "$dest")" = 'postgres:postgres:644' ]; then
    echo "unchanged $dest"
  else
    chown 'postgres:postgres' "$dest" && chmod '0644' "$dest"
    echo "set owner and mode of $dest"
  fi
else
  if ! out=$( { printf "include '%s'\ninclude '%s'\n" '/etc/postgresql/17/main/postgresql.conf' "$candidate" > "$work/check.conf"
chmod 0644 "$work/check.conf"
runuser -u postgres -- '/usr/lib/postgresql/17/bin/postgres' --config-file="$work/check.conf" -C data_directory; } 2>&1 ); then
    echo 'postgres -C rejects the new /etc/postgresql/17/main/conf.d/90-openclaw.conf; the current one stays:' >&2
    echo "$out" >&2
    exit 1
  fi
  (
  dest='/etc/postgresql/17/main/conf.d/90-openclaw.conf'
  tmp=""
  for attempt in 1 2 3 4 5; do
    [ -d '/etc/postgresql/17/main/conf.d' ] || install -d -m 0755 '/etc/postgresql/17/main/conf.d'
    tmp=$(mktemp '/etc/postgresql/17/main/conf.d/.tmp.XXXXXX' 2>/dev/null) && break
  done
  [ -n "$tmp" ] || { echo 'cannot create a file in /etc/postgresql/17/main/conf.d' >&2; exit 1; }
  trap 'rm -f "$tmp"' EXIT
  cat > "$tmp"
  chown 'postgres:postgres' "$tmp"
  chmod '0644' "$tmp"
  if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then
    if [ "$(stat -c %U:%G:%a "$dest")" = 'postgres:postgres:644' ]; then
      echo "unchanged $dest"
    else
      chown 'postgres:postgres' "$dest" && chmod '0644' "$dest"
      echo "set owner and mode of $dest"
    fi
  else
    mv -f "$tmp" "$dest"
    echo "wrote $dest"
  fi
  ) < "$candidate" >/dev/null
  changed=yes
  echo "wrote $dest (postgres -C: ok)"
fi
apply_config "$changed"
