#!/usr/bin/env bash
# The firewall's tools on this machine: nftables for the unit tests that check the rendered
# rule sets with the real `nft -c` (test/components/firewall), nmap for the integration test's
# full port scan of the sandbox hosts. Debian packages, installed once; nftables' service is
# not started (a check loads nothing).
set -euo pipefail
if ! command -v nft >/dev/null || ! command -v nmap >/dev/null; then
  echo "firewall-tools: installing nftables and nmap"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nftables nmap >/dev/null
fi
echo "firewall-tools: $(nft --version), $(nmap --version | head -1)"
