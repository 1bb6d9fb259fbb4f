# The agent's configuration (/etc/promtail/journal.yaml):
# checked by promtail itself (promtail -check-syntax) before it replaces the current file, so a
# restart never meets a configuration the agent would refuse.
candidate=$(mktemp --suffix='.yaml'); trap 'rm -f "$candidate"' EXIT
cat > "$candidate"
if ! out=$('/usr/bin/promtail' -config.file="$candidate" -check-syntax 2>&1); then
  echo "promtail rejects the new /etc/promtail/journal.yaml; the current one stays:" >&2
  echo "$out" >&2
  exit 1
fi
(
dest='/etc/promtail/journal.yaml'
[ -d '/etc/promtail' ] || install -d -m 0755 '/etc/promtail'
tmp=$(mktemp '/etc/promtail/.tmp.XXXXXX')
trap 'rm -f "$tmp"' EXIT
cat > "$tmp"
chown 'root:promtail' "$tmp"
chmod '0640' "$tmp"
if [ -f "$dest" ] && cmp -s "$tmp" "$dest" && [ "$(stat -c %U:%G:%a "$dest")" = 'root:promtail:640' ]; then
  echo "unchanged $dest"
else
  mv -f "$tmp" "$dest"
  echo "wrote $dest"
fi
) < "$candidate"
