root='/opt/openclaw'; version='2026.9.6+node24.22.3'; prefix='/opt/openclaw/2026.9.6+node24.22.3'
if [ -f "$prefix/.openclaw-infra" ] && [ -x "$prefix/"'bin/openclaw' ]; then
  echo 'openclaw 2026.9.6+node24.22.3 already installed'
else
  install -d -m 0755 "$root"
  partial="$root/.partial-$version"
  rm -rf "$partial" && install -d -m 0755 "$partial"
  (
    work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
    node=$(readlink -f '/usr/local/bin/node')
    [ "$("$node" --version)" = 'v24.22.3' ] || {
      echo '/usr/local/bin/node is node '"$("$node" --version)"', not the 24.22.3 openclaw 2026.9.6 is planned on' >&2; exit 1; }
    install -d -m 0755 "$partial/node/bin"
    ln "$node" "$partial/node/bin/node" 2>/dev/null || cp "$node" "$partial/node/bin/node"
    PATH="$partial/node/bin:/usr/local/bin:$PATH" npm install --global --prefix "$partial" --registry 'https://registry.npmjs.org/' \
      --no-audit --no-fund --no-update-notifier --loglevel=error 'openclaw@2026.9.6'
  )
  [ -x "$partial/"'bin/openclaw' ] || { echo 'openclaw 2026.9.6+node24.22.3: bin/openclaw is missing from the release' >&2; exit 1; }
  touch "$partial/.openclaw-infra"
  rm -rf "$prefix" && mv "$partial" "$prefix"
  echo "installed openclaw 2026.9.6+node24.22.3 in $prefix"
fi
was=$(readlink "$root/current" 2>/dev/null || true)
had=$(readlink "$root/previous" 2>/dev/null || true)
if [ "$was" != "$version" ]; then
  if [ -n "$was" ]; then ln -sfn "$was" "$root/.previous.new" && mv -T "$root/.previous.new" "$root/previous"; fi
  ln -sfn "$version" "$root/.current.new" && mv -T "$root/.current.new" "$root/current"
  echo "current openclaw: $version (previous: ${was:-none})"
fi
if [ "$was" != "$version" ]; then
  activate=$(cat <<'ACTIVATE'
if systemctl is-enabled --quiet 'openclaw-gateway.service' 2>/dev/null; then
  systemctl stop 'openclaw-gateway.service'
  migrated=$(mktemp)
  copy=$(mktemp -d /run/openclaw-migrate.XXXXXX)
  install -m 0600 -o openclaw -g openclaw '/etc/openclaw/openclaw.json' "$copy/openclaw.json"
  chown openclaw: "$copy"
  if ! (set -a; . '/etc/openclaw/gateway.env'; set +a; cd '/var/lib/openclaw'; runuser -u openclaw -- env 'PATH=/opt/openclaw/current/node/bin:/usr/local/bin:/usr/bin:/bin' 'HOME=/var/lib/openclaw' 'OPENCLAW_STATE_DIR=/var/lib/openclaw' OPENCLAW_CONFIG_PATH="$copy/openclaw.json" 'NODE_ENV=production' '/opt/openclaw/current/bin/openclaw' doctor --fix --non-interactive) > "$migrated" 2>&1; then
    echo "openclaw $(readlink '/opt/openclaw/current'): its migration (openclaw doctor --fix --non-interactive) failed:" >&2
    tail -n 20 "$migrated" >&2; rm -rf "$migrated" "$copy"
    exit 1
  fi
  logger -t openclaw-doctor < "$migrated" || true
  rm -rf "$migrated" "$copy"
  echo "openclaw $(readlink '/opt/openclaw/current'): state migrated (openclaw doctor --fix --non-interactive)"
  systemctl start 'openclaw-gateway.service'
  echo "restarted openclaw-gateway.service"
  health_exits=0 health_state=
  for i in $(seq 1 90); do
    if body=$(curl -fsS --max-time 2 'http://127.0.0.1:18789/readyz' 2>/dev/null) && grep -Eq '"ready": ?true' <<<"$body"; then
      echo "healthy after ${i}s: ${body:0:200}"; break
    fi
    health_was=$health_state health_state=$(systemctl show -p SubState --value 'openclaw-gateway.service')
    if [ "$health_state" = auto-restart ] && [ "$health_was" != auto-restart ]; then health_exits=$((health_exits + 1)); fi
    if [ "$i" = 90 ] || [ "$health_state" = failed ] || [ "$health_exits" -ge 3 ]; then
      if [ "$health_exits" = 0 ]; then health_exited=; else health_exited=" (exited $health_exits times)"; fi
      echo "openclaw-gateway.service is not healthy at http://127.0.0.1:18789/readyz after ${i}s$health_exited; last journal lines:" >&2
      journalctl -u 'openclaw-gateway.service' -n 40 --no-pager -o cat >&2
      exit 1
    fi
    sleep 1
  done
else
  echo "openclaw-gateway.service is not enabled yet: its unit step starts it"
fi
ACTIVATE
  )
  rollback=$(cat <<'ACTIVATE'
if systemctl is-enabled --quiet 'openclaw-gateway.service' 2>/dev/null; then
  systemctl restart 'openclaw-gateway.service'
  echo "restarted openclaw-gateway.service"
  health_exits=0 health_state=
  for i in $(seq 1 90); do
    if body=$(curl -fsS --max-time 2 'http://127.0.0.1:18789/readyz' 2>/dev/null) && grep -Eq '"ready": ?true' <<<"$body"; then
      echo "healthy after ${i}s: ${body:0:200}"; break
    fi
    health_was=$health_state health_state=$(systemctl show -p SubState --value 'openclaw-gateway.service')
    if [ "$health_state" = auto-restart ] && [ "$health_was" != auto-restart ]; then health_exits=$((health_exits + 1)); fi
    if [ "$i" = 90 ] || [ "$health_state" = failed ] || [ "$health_exits" -ge 3 ]; then
      if [ "$health_exits" = 0 ]; then health_exited=; else health_exited=" (exited $health_exits times)"; fi
      echo "openclaw-gateway.service is not healthy at http://127.0.0.1:18789/readyz after ${i}s$health_exited; last journal lines:" >&2
      journalctl -u 'openclaw-gateway.service' -n 40 --no-pager -o cat >&2
      exit 1
    fi
    sleep 1
  done
else
  echo "openclaw-gateway.service is not enabled yet: its unit step starts it"
fi
ACTIVATE
  )
  failed=$(mktemp); trap 'rm -f "$failed" "$failed.back"' EXIT
  if ! bash -euo pipefail -c "$activate" 2>"$failed"; then
    if [ -z "$was" ] || [ ! -x "$root/$was/"'bin/openclaw' ]; then
      echo 'openclaw 2026.9.6+node24.22.3 failed its health check; there is no earlier release to roll back to' >&2
      tail -n 28 "$failed" >&2
      exit 1
    fi
    ln -sfn "$was" "$root/.current.new" && mv -T "$root/.current.new" "$root/current"
    if [ -n "$had" ]; then ln -sfn "$had" "$root/.previous.new" && mv -T "$root/.previous.new" "$root/previous"; else rm -f "$root/previous"; fi
    echo "current openclaw: $was again (2026.9.6+node24.22.3 failed its health check)"
    if bash -euo pipefail -c "$rollback" 2>"$failed.back"; then
      echo 'openclaw 2026.9.6+node24.22.3 failed its health check; rolled back to '"$was"', which answers /readyz' >&2
      tail -n 28 "$failed" >&2
    else
      echo 'openclaw 2026.9.6+node24.22.3 failed its health check; rolled back to '"$was"', which does not answer /readyz either' >&2
      echo '2026.9.6+node24.22.3:' >&2; tail -n 13 "$failed" >&2
      echo "$was:" >&2; tail -n 13 "$failed.back" >&2
    fi
    exit 1
  fi
fi
keep=$(readlink "$root/previous" 2>/dev/null || true)
for old in "$root"/* "$root"/.partial-*; do
  [ -e "$old" ] && [ ! -L "$old" ] || continue
  case "${old##*/}" in "$version"|"$keep") continue ;; esac
  if [ -f "$old/.openclaw-infra" ] || [[ "${old##*/}" == .partial-* ]]; then rm -rf "$old"; echo "removed $old"; fi
done
echo '2026.9.6'
