# cloudflared from http://mirror.test/cloudflared-linux-amd64, verified against its sha256; unchanged when that binary is in place.
bin='/usr/local/bin/cloudflared'
if [ -x "$bin" ] && echo 'dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd'"  $bin" | sha256sum --check --status; then
  echo "cloudflared at $bin already has sha256 dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  curl -fsSL --retry 3 -o "$work/cloudflared" 'http://mirror.test/cloudflared-linux-amd64'
  echo 'dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd'"  $work/cloudflared" | sha256sum --check --quiet \
    || { echo "cloudflared from http://mirror.test/cloudflared-linux-amd64 does not have sha256 dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd" >&2; exit 1; }
  install -m 0755 -o root -g root "$work/cloudflared" "$bin.partial"
  mv -f "$bin.partial" "$bin"
  echo "installed $bin"
fi
# The unit reads its token with --token-file: refuse a cloudflared that does not have it.
version=$('/usr/local/bin/cloudflared' --version | awk '{print $3}')
if ! [[ "$version" =~ ^[0-9]{4}\.[0-9]+\.[0-9]+$ ]] || ! dpkg --compare-versions "$version" ge '2025.4.0'; then
  echo "/usr/local/bin/cloudflared is version '$version'; --token-file needs cloudflared >= 2025.4.0" >&2
  exit 1
fi
echo "$version"
