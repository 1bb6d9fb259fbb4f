#!/usr/bin/env bash
# promtool and amtool for the unit tests (`promtool check/test rules`, `amtool check-config`):
# unpacked from this machine's Debian packages into $OPENCLAW_CACHE/toolchain/prometheus, never
# installed (the packages' postinst would start Prometheus and Alertmanager here). Skipped when
# cached. This machine's Debian decides the version (Debian 12: prometheus 2.42,
# alertmanager 0.25; the hosts run Debian 13's 2.53 and 0.27): the rules and the
# Alertmanager config use nothing newer than both.
set -euo pipefail
. "$(dirname "$0")/env.sh"
dest="$OPENCLAW_CACHE/toolchain/prometheus"
if [ -x "$dest/usr/bin/promtool" ] && [ -x "$dest/usr/bin/amtool" ]; then
  echo "prometheus-tools: promtool and amtool cached in $dest"
  exit 0
fi
echo "prometheus-tools: fetching promtool and amtool (Debian packages, unpacked, not installed) into $dest"
mkdir -p "$OPENCLAW_CACHE/toolchain"
tmp=$(mktemp -d "$dest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && { apt-get download -qq prometheus prometheus-alertmanager 2>/dev/null ||
  { apt-get update -qq && apt-get download -qq prometheus prometheus-alertmanager; }; })
mkdir "$tmp/root"
for deb in "$tmp"/prometheus_*.deb "$tmp"/prometheus-alertmanager_*.deb; do dpkg -x "$deb" "$tmp/root"; done
rm -rf "$dest"
mv "$tmp/root" "$dest"
echo "prometheus-tools: $("$dest/usr/bin/promtool" --version 2>&1 | head -1), $("$dest/usr/bin/amtool" --version 2>&1 | head -1)"
