root='/opt/tempo'; version='2.9.0'; prefix='/opt/tempo/2.9.0'
if [ -f "$prefix/.openclaw-infra" ] && [ -x "$prefix/"'tempo' ]; then
  echo 'tempo 2.9.0 already installed'
else
  install -d -m 0755 "$root"
  partial="$root/.partial-$version"
  rm -rf "$partial" && install -d -m 0755 "$partial"
  (
    work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
    curl -fsSL --retry 3 -o "$work/download" 'http://10.231.0.1:8081/tempo/v2.9.0/tempo_2.9.0_linux_amd64.tar.gz'
    echo 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee'"  $work/download" | sha256sum --check --quiet
    mkdir "$work/unpacked" && tar -xzf "$work/download" -C "$work/unpacked" 'tempo'
    install -m 0755 "$work/unpacked/"'tempo' "$partial/"'tempo'
  )
  [ -x "$partial/"'tempo' ] || { echo 'tempo 2.9.0: tempo is missing from the release' >&2; exit 1; }
  touch "$partial/.openclaw-infra"
  rm -rf "$prefix" && mv "$partial" "$prefix"
  echo "installed tempo 2.9.0 in $prefix"
fi
was=$(readlink "$root/current" 2>/dev/null || true)
if [ "$was" != "$version" ]; then
  if [ -n "$was" ]; then ln -sfn "$was" "$root/.previous.new" && mv -T "$root/.previous.new" "$root/previous"; fi
  ln -sfn "$version" "$root/.current.new" && mv -T "$root/.current.new" "$root/current"
  echo "current tempo: $version (previous: ${was:-none})"
fi
ln -sfn '/opt/tempo/current/tempo' '/usr/local/bin/tempo'
keep=$(readlink "$root/previous" 2>/dev/null || true)
for old in "$root"/* "$root"/.partial-*; do
  [ -e "$old" ] && [ ! -L "$old" ] || continue
  case "${old##*/}" in "$version"|"$keep") continue ;; esac
  if [ -f "$old/.openclaw-infra" ] || [[ "${old##*/}" == .partial-* ]]; then rm -rf "$old"; echo "removed $old"; fi
done
echo '2.9.0'
