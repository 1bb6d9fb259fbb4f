dest='/etc/default/prometheus'
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
candidate="$work/candidate"
cat > "$candidate"
chmod 0644 "$candidate"
changed=no
if [ -f "$dest" ] && cmp -s "$candidate" "$dest"; then
  if [ "$(stat -c %U:%G:%a "$dest")" = 'root:root:644' ]; then
    echo "unchanged $dest"
  else
    chown 'root:root' "$dest" && chmod '0644' "$dest"
    echo "set owner and mode of $dest"
  fi
else
  if ! out=$( { '/usr/bin/prometheus' '--config.file=/etc/prometheus/prometheus.yml' '--web.listen-address=10.0.0.2:9091' '--web.config.file=/etc/prometheus/web.yml' '--storage.tsdb.path=/var/lib/prometheus/metrics2' '--storage.tsdb.retention.time=90d' '--storage.tsdb.retention.size=20GB' --help 2>&1 >/dev/null </dev/null; } 2>&1 ); then
    echo '/usr/bin/prometheus --help rejects the new /etc/default/prometheus; the current one stays:' >&2
    echo "$out" >&2
    exit 1
  fi
  (
  dest='/etc/default/prometheus'
  tmp=""
  for attempt in 1 2 3 4 5; do
    [ -d '/etc/default' ] || install -d -m 0755 '/etc/default'
    tmp=$(mktemp '/etc/default/.tmp.XXXXXX' 2>/dev/null) && break
  done
  [ -n "$tmp" ] || { echo 'cannot create a file in /etc/default' >&2; exit 1; }
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
  ) < "$candidate" >/dev/null
  changed=yes
  echo "wrote $dest (/usr/bin/prometheus --help: ok)"
fi
