dest='/etc/otelcol-contrib/otelcol-contrib.yaml'
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
candidate="$work/candidate"'.yaml'
cat > "$candidate"
chmod 0644 "$candidate"
changed=no
if [ -f "$dest" ] && cmp -s "$candidate" "$dest"; then
  if [ "$(stat -c %U:%G:%a "$dest")" = 'root:otelcol-contrib:640' ]; then
    echo "unchanged $dest"
  else
    chown 'root:otelcol-contrib' "$dest" && chmod '0640' "$dest"
    echo "set owner and mode of $dest"
  fi
else
  if ! out=$( { '/usr/local/bin/otelcol-contrib' --config="$candidate" validate; } 2>&1 ); then
    echo 'otelcol-contrib validate rejects the new /etc/otelcol-contrib/otelcol-contrib.yaml; the current one stays:' >&2
    echo "$out" >&2
    exit 1
  fi
  (
  dest='/etc/otelcol-contrib/otelcol-contrib.yaml'
  tmp=""
  for attempt in 1 2 3 4 5; do
    [ -d '/etc/otelcol-contrib' ] || install -d -m 0755 '/etc/otelcol-contrib'
    tmp=$(mktemp '/etc/otelcol-contrib/.tmp.XXXXXX' 2>/dev/null) && break
  done
  [ -n "$tmp" ] || { echo 'cannot create a file in /etc/otelcol-contrib' >&2; exit 1; }
  trap 'rm -f "$tmp"' EXIT
  cat > "$tmp"
  chown 'root:otelcol-contrib' "$tmp"
  chmod '0640' "$tmp"
  if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then
    if [ "$(stat -c %U:%G:%a "$dest")" = 'root:otelcol-contrib:640' ]; then
      echo "unchanged $dest"
    else
      chown 'root:otelcol-contrib' "$dest" && chmod '0640' "$dest"
      echo "set owner and mode of $dest"
    fi
  else
    mv -f "$tmp" "$dest"
    echo "wrote $dest"
  fi
  ) < "$candidate" >/dev/null
  changed=yes
  echo "wrote $dest (otelcol-contrib validate: ok)"
fi
