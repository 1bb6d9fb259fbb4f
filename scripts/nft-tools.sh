#!/usr/bin/env bash
# nftables on this machine, for the unit tests that check the firewall's rendered rule sets
# with the real `nft -c` (test/components/firewall). A Debian package, installed once; its
# service is not started (a check loads nothing).
set -euo pipefail
if ! command -v nft >/dev/null; then
  echo "nft-tools: installing nftables"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nftables >/dev/null
fi
echo "nft-tools: $(nft --version)"
