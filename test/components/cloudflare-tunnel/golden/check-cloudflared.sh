# The unit reads its token with --token-file: refuse a cloudflared that does not have it.
version=$('/usr/bin/cloudflared' --version | awk '{print $3}')
if ! [[ "$version" =~ ^[0-9]{4}\.[0-9]+\.[0-9]+$ ]] || ! dpkg --compare-versions "$version" ge '2025.4.0'; then
  echo "/usr/bin/cloudflared is version '$version'; --token-file needs cloudflared >= 2025.4.0" >&2
  exit 1
fi
if [ "$version" != '2025.11.1' ]; then
  echo "/usr/bin/cloudflared is version $version, expected the pinned 2025.11.1" >&2
  exit 1
fi
echo "$version"
