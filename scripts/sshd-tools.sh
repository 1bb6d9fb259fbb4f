#!/usr/bin/env bash
# OpenSSH's sshd on this machine, for the unit test that drives the SSH pool against a real
# sshd (its MaxSessions, its channel bookkeeping): test/src/remote/sshd.test.ts starts its own
# sshd on 127.0.0.1 with its own config and keys. Installed from Debian's package with service
# starts refused (policy-rc.d), so no sshd listens here outside the test.
set -euo pipefail
if [ -x /usr/sbin/sshd ]; then
  echo "sshd-tools: $(/usr/sbin/sshd -V 2>&1 | head -1) installed"
  exit 0
fi
echo "sshd-tools: installing openssh-server (not started)"
policy=/usr/sbin/policy-rc.d
own_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 0755 "$policy"
  own_policy=1
fi
trap '[ -z "$own_policy" ] || rm -f "$policy"' EXIT
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server >/dev/null
echo "sshd-tools: $(/usr/sbin/sshd -V 2>&1 | head -1) installed"
