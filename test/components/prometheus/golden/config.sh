dest='/etc/prometheus/prometheus.yml'
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
candidate="$work/candidate"'.yml'
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
  if ! out=$( { '/usr/bin/promtool' check config "$candidate"; } 2>&1 ); then
    echo 'promtool check config rejects the new /etc/prometheus/prometheus.yml; the current one stays:' >&2
    echo "$out" >&2
    exit 1
  fi
  (
  dest='/etc/prometheus/prometheus.yml'
  tmp=""
  for attempt in 1 2 3 4 5; do
    [ -d '/etc/prometheus' ] || install -d -m 0755 '/etc/prometheus'
    tmp=$(mktemp '/etc/prometheus/.tmp.XXXXXX' 2>/dev/null) && break
  done
  [ -n "$tmp" ] || { echo 'cannot create a file in /etc/prometheus' >&2; exit 1; }
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
  echo "wrote $dest (promtool check config: ok)"
fi
