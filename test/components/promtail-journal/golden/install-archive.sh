# promtail 3.6.4 from a release download, checked against its sha256.
dir='/opt/promtail-3.6.4'
if [ -f "$dir/.openclaw-infra" ] && [ -x "$dir/promtail" ]; then
  echo "promtail 3.6.4 already installed"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  curl -fsSL --retry 3 -o "$work/download" 'http://10.231.0.1:8082/promtail/v3.6.4/promtail-linux-amd64.zip'
  echo 'cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc'"  $work/download" | sha256sum --check --quiet
  unzip -q "$work/download" 'promtail-linux-amd64' -d "$work"
  bin="$work/"'promtail-linux-amd64'
  rm -rf "$dir.partial" && install -d -m 0755 "$dir.partial"
  install -m 0755 "$bin" "$dir.partial/promtail"
  touch "$dir.partial/.openclaw-infra"
  rm -rf "$dir" && mv "$dir.partial" "$dir"
  echo "installed promtail 3.6.4"
fi
ln -sfn "$dir/promtail" '/usr/local/bin/promtail'
# Older releases this component installed (and only those) go once the link points here.
for old in /opt/promtail-*; do
  if [ "$old" != "$dir" ] && [ -f "$old/.openclaw-infra" ]; then rm -rf "$old"; echo "removed $old"; fi
done
echo '3.6.4'
