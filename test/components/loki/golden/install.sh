root='/opt/loki'; version='3.6.4'; prefix='/opt/loki/3.6.4'
if [ -f "$prefix/.openclaw-infra" ] && [ -x "$prefix/"'loki' ]; then
  echo 'loki 3.6.4 already installed'
else
  install -d -m 0755 "$root"
  partial="$root/.partial-$version"
  rm -rf "$partial" && install -d -m 0755 "$partial"
  (
    work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
    curl -fsSL --retry 3 -o "$work/download" 'http://10.231.0.1:8081/loki/v3.6.4/loki-linux-amd64.zip'
    echo 'dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd'"  $work/download" | sha256sum --check --quiet
    unzip -q "$work/download" 'loki-linux-amd64' -d "$work/unpacked"
    install -m 0755 "$work/unpacked/"'loki-linux-amd64' "$partial/"'loki'
  )
  [ -x "$partial/"'loki' ] || { echo 'loki 3.6.4: loki is missing from the release' >&2; exit 1; }
  touch "$partial/.openclaw-infra"
  rm -rf "$prefix" && mv "$partial" "$prefix"
  echo "installed loki 3.6.4 in $prefix"
fi
was=$(readlink "$root/current" 2>/dev/null || true)
if [ "$was" != "$version" ]; then
  if [ -n "$was" ]; then ln -sfn "$was" "$root/.previous.new" && mv -T "$root/.previous.new" "$root/previous"; fi
  ln -sfn "$version" "$root/.current.new" && mv -T "$root/.current.new" "$root/current"
  echo "current loki: $version (previous: ${was:-none})"
fi
ln -sfn '/opt/loki/current/loki' '/usr/local/bin/loki'
keep=$(readlink "$root/previous" 2>/dev/null || true)
for old in "$root"/* "$root"/.partial-*; do
  [ -e "$old" ] && [ ! -L "$old" ] || continue
  case "${old##*/}" in "$version"|"$keep") continue ;; esac
  if [ -f "$old/.openclaw-infra" ] || [[ "${old##*/}" == .partial-* ]]; then rm -rf "$old"; echo "removed $old"; fi
done
echo '3.6.4'
