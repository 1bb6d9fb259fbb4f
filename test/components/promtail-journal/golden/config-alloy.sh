# The agent's configuration (/etc/alloy/journal.alloy):
# checked by alloy itself (alloy validate) before it replaces the current file, so a
# restart never meets a configuration the agent would refuse.
candidate=$(mktemp --suffix='.alloy'); trap 'rm -f "$candidate"' EXIT
cat > "$candidate"
if ! out=$('/usr/bin/alloy' validate "$candidate" 2>&1); then
  echo "alloy rejects the new /etc/alloy/journal.alloy; the current one stays:" >&2
  echo "$out" >&2
  exit 1
fi
(
dest='/etc/alloy/journal.alloy'
[ -d '/etc/alloy' ] || install -d -m 0755 '/etc/alloy'
tmp=$(mktemp '/etc/alloy/.tmp.XXXXXX')
trap 'rm -f "$tmp"' EXIT
cat > "$tmp"
chown 'root:alloy' "$tmp"
chmod '0640' "$tmp"
if [ -f "$dest" ] && cmp -s "$tmp" "$dest" && [ "$(stat -c %U:%G:%a "$dest")" = 'root:alloy:640' ]; then
  echo "unchanged $dest"
else
  mv -f "$tmp" "$dest"
  echo "wrote $dest"
fi
) < "$candidate"
