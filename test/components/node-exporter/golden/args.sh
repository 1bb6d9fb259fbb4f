# The arguments Debian's unit passes to node-exporter: ARGS in /etc/default/prometheus-node-exporter.
# The installed binary parses them first: an unknown flag or collector fails here, changing nothing.
if ! out=$('/usr/bin/prometheus-node-exporter' '--web.listen-address=10.0.0.2:9200' '--no-collector.zfs' '--no-collector.nfsd' --help 2>&1 >/dev/null </dev/null); then
  echo "/usr/bin/prometheus-node-exporter refuses the arguments --web.listen-address=10.0.0.2:9200 --no-collector.zfs --no-collector.nfsd; /etc/default/prometheus-node-exporter is unchanged:" >&2
  echo "$out" >&2
  exit 1
fi
(
dest='/etc/default/prometheus-node-exporter'
[ -d '/etc/default' ] || install -d -m 0755 '/etc/default'
tmp=$(mktemp '/etc/default/.tmp.XXXXXX')
trap 'rm -f "$tmp"' EXIT
cat > "$tmp"
chown 'root:root' "$tmp"
chmod '0644' "$tmp"
if [ -f "$dest" ] && cmp -s "$tmp" "$dest" && [ "$(stat -c %U:%G:%a "$dest")" = 'root:root:644' ]; then
  echo "unchanged $dest"
else
  mv -f "$tmp" "$dest"
  echo "wrote $dest"
fi
)
# Masked until now (hold), or disabled by an earlier destroy: enabled again. The drop-in step
# that follows restarts it.
systemctl unmask --quiet 'prometheus-node-exporter.service'
systemctl enable --quiet 'prometheus-node-exporter.service'
