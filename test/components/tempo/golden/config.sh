dest='/etc/tempo/tempo.yaml'
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
candidate="$work/candidate"'.yaml'
cat > "$candidate"
chmod 0644 "$candidate"
changed=no
if [ -f "$dest" ] && cmp -s "$candidate" "$dest"; then
  if [ "$(stat -c %U:%G:%a "$dest")" = 'root:tempo:640' ]; then
    echo "unchanged $dest"
  else
    chown 'root:tempo' "$dest" && chmod '0640' "$dest"
    echo "set owner and mode of $dest"
  fi
else
  if ! out=$( { '/usr/local/bin/tempo' -config.file="$candidate" -config.verify=true; } 2>&1 ); then
    echo 'tempo -config.verify rejects the new /etc/tempo/tempo.yaml; the current one stays:' >&2
    echo "$out" >&2
    exit 1
  fi
  (
  dest='/etc/tempo/tempo.yaml'
  tmp=""
  for attempt in 1 2 3 4 5; do
    [ -d '/etc/tempo' ] || install -d -m 0755 '/etc/tempo'
    tmp=$(mktemp '/etc/tempo/.tmp.XXXXXX' 2>/dev/null) && break
  done
  [ -n "$tmp" ] || { echo 'cannot create a file in /etc/tempo' >&2; exit 1; }
  trap 'rm -f "$tmp"' EXIT
  cat > "$tmp"
  chown 'root:tempo' "$tmp"
  chmod '0640' "$tmp"
  if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then
    if [ "$(stat -c %U:%G:%a "$dest")" = 'root:tempo:640' ]; then
      echo "unchanged $dest"
    else
      chown 'root:tempo' "$dest" && chmod '0640' "$dest"
      echo "set owner and mode of $dest"
    fi
  else
    mv -f "$tmp" "$dest"
    echo "wrote $dest"
  fi
  ) < "$candidate" >/dev/null
  changed=yes
  echo "wrote $dest (tempo -config.verify: ok)"
fi
