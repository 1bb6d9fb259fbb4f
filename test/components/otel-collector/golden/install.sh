root='/opt/otelcol-contrib'; version='0.162.0'; prefix='/opt/otelcol-contrib/0.162.0'
if [ -f "$prefix/.openclaw-infra" ] && [ -x "$prefix/"'otelcol-contrib' ]; then
  echo 'otelcol-contrib 0.162.0 already installed'
else
  install -d -m 0755 "$root"
  partial="$root/.partial-$version"
  rm -rf "$partial" && install -d -m 0755 "$partial"
  (
    work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
    curl -fsSL --retry 3 -o "$work/download" 'http://10.231.0.1:8081/otelcol-contrib/v0.162.0/otelcol-contrib_0.162.0_linux_amd64.tar.gz'
    echo 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'"  $work/download" | sha256sum --check --quiet
    mkdir "$work/unpacked" && tar -xzf "$work/download" -C "$work/unpacked" 'otelcol-contrib'
    install -m 0755 "$work/unpacked/"'otelcol-contrib' "$partial/"'otelcol-contrib'
  )
  [ -x "$partial/"'otelcol-contrib' ] || { echo 'otelcol-contrib 0.162.0: otelcol-contrib is missing from the release' >&2; exit 1; }
  touch "$partial/.openclaw-infra"
  rm -rf "$prefix" && mv "$partial" "$prefix"
  echo "installed otelcol-contrib 0.162.0 in $prefix"
fi
was=$(readlink "$root/current" 2>/dev/null || true)
if [ "$was" != "$version" ]; then
  if [ -n "$was" ]; then ln -sfn "$was" "$root/.previous.new" && mv -T "$root/.previous.new" "$root/previous"; fi
  ln -sfn "$version" "$root/.current.new" && mv -T "$root/.current.new" "$root/current"
  echo "current otelcol-contrib: $version (previous: ${was:-none})"
fi
ln -sfn '/opt/otelcol-contrib/current/otelcol-contrib' '/usr/local/bin/otelcol-contrib'
keep=$(readlink "$root/previous" 2>/dev/null || true)
for old in "$root"/* "$root"/.partial-*; do
  [ -e "$old" ] && [ ! -L "$old" ] || continue
  case "${old##*/}" in "$version"|"$keep") continue ;; esac
  if [ -f "$old/.openclaw-infra" ] || [[ "${old##*/}" == .partial-* ]]; then rm -rf "$old"; echo "removed $old"; fi
done
echo '0.162.0'
