#!/usr/bin/env bash
# The network tools the tests use on this machine, Debian packages installed once: nftables for
# the unit tests that check the rendered rule sets with the real `nft -c` (test/components/
# firewall); wireguard-tools and wireguard-go for the ones that bring WireGuard interfaces up in
# network namespaces of their own (test/components/wireguard); nmap for the integration test's
# full port scan of the sandbox hosts and tcpdump for its capture on the sandbox bridge. No
# service of theirs is started.
set -euo pipefail
tools=(nft:nftables nmap:nmap wg:wireguard-tools wireguard-go:wireguard-go ping:iputils-ping tcpdump:tcpdump)
missing=()
for tool in "${tools[@]}"; do command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}"); done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "network-tools: installing ${missing[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "network-tools: $(nft --version), $(nmap --version | head -1), wireguard-tools $(wg --version | cut -d' ' -f2), $(tcpdump --version 2>&1 | head -1)"
