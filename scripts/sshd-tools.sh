#!/usr/bin/env bash
# OpenSSH's sshd on this machine, for the unit tests that drive the SSH pool against a real
# sshd (its MaxSessions, its channel bookkeeping: test/src/remote/sshd.test.ts starts its own
# on 127.0.0.1 with its own config and keys) and check the rendered drop-in with `sshd -t`
# (test/components/sshd). Installed from Debian's package with service starts refused
# (policy-rc.d), so no sshd listens here outside the tests.
set -euo pipefail
# sshd -t and sshd itself refuse to run without their privilege separation directory, which
# the service's unit would make (RuntimeDirectory=sshd) and /run loses at each boot.
mkdir -p -m 0755 /run/sshd
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
