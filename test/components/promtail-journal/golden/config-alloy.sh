dest='/etc/alloy/journal.alloy'
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
candidate="$work/candidate"'.alloy'
cat > "$candidate"
chmod 0644 "$candidate"
changed=no
if [ -f "$dest" ] && cmp -s "$candidate" "$dest"; then
  if [ "$(stat -c %U:%G:%a "$dest")" = 'root:alloy:640' ]; then
    echo "unchanged $dest"
  else
    chown 'root:alloy' "$dest" && chmod '0640' "$dest"
    echo "set owner and mode of $dest"
  fi
else
  if ! out=$( { '/usr/bin/alloy' validate "$candidate"; } 2>&1 ); then
    echo 'alloy validate rejects the new /etc/alloy/journal.alloy; the current one stays:' >&2
    echo "$out" >&2
    exit 1
  fi
  (
  dest='/etc/alloy/journal.alloy'
  tmp=""
  for attempt in 1 2 3 4 5; do
    [ -d '/etc/alloy' ] || install -d -m 0755 '/etc/alloy'
    tmp=$(mktemp '/etc/alloy/.tmp.XXXXXX' 2>/dev/null) && break
  done
  [ -n "$tmp" ] || { echo 'cannot create a file in /etc/alloy' >&2; exit 1; }
  trap 'rm -f "$tmp"' EXIT
  cat > "$tmp"
  chown 'root:alloy' "$tmp"
  chmod '0640' "$tmp"
  if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then
    if [ "$(stat -c %U:%G:%a "$dest")" = 'root:alloy:640' ]; then
      echo "unchanged $dest"
    else
      chown 'root:alloy' "$dest" && chmod '0640' "$dest"
      echo "set owner and mode of $dest"
    fi
  else
    mv -f "$tmp" "$dest"
    echo "wrote $dest"
  fi
  ) < "$candidate" >/dev/null
  changed=yes
  echo "wrote $dest (alloy validate: ok)"
fi
