dest='/etc/promtail/journal.yaml'
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
candidate="$work/candidate"'.yaml'
cat > "$candidate"
chmod 0644 "$candidate"
changed=no
if [ -f "$dest" ] && cmp -s "$candidate" "$dest"; then
  if [ "$(stat -c %U:%G:%a "$dest")" = 'root:promtail:640' ]; then
    echo "unchanged $dest"
  else
    chown 'root:promtail' "$dest" && chmod '0640' "$dest"
    echo "set owner and mode of $dest"
  fi
else
  if ! out=$( { '/usr/bin/promtail' -config.file="$candidate" -check-syntax; } 2>&1 ); then
    echo 'promtail -check-syntax rejects the new /etc/promtail/journal.yaml; the current one stays:' >&2
    echo "$out" >&2
    exit 1
  fi
  (
  dest='/etc/promtail/journal.yaml'
  tmp=""
  for attempt in 1 2 3 4 5; do
    [ -d '/etc/promtail' ] || install -d -m 0755 '/etc/promtail'
    tmp=$(mktemp '/etc/promtail/.tmp.XXXXXX' 2>/dev/null) && break
  done
  [ -n "$tmp" ] || { echo 'cannot create a file in /etc/promtail' >&2; exit 1; }
  trap 'rm -f "$tmp"' EXIT
  cat > "$tmp"
  chown 'root:promtail' "$tmp"
  chmod '0640' "$tmp"
  if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then
    if [ "$(stat -c %U:%G:%a "$dest")" = 'root:promtail:640' ]; then
      echo "unchanged $dest"
    else
      chown 'root:promtail' "$dest" && chmod '0640' "$dest"
      echo "set owner and mode of $dest"
    fi
  else
    mv -f "$tmp" "$dest"
    echo "wrote $dest"
  fi
  ) < "$candidate" >/dev/null
  changed=yes
  echo "wrote $dest (promtail -check-syntax: ok)"
fi
