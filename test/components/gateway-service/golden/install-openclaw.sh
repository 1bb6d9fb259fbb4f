# openclaw@2026.6.11 from https://registry.npmjs.org/ into its own prefix; the unit runs it from there.
prefix='/opt/openclaw/2026.6.11'
if [ -f "$prefix/.openclaw-infra" ] && [ -x "$prefix/bin/openclaw" ]; then
  echo "openclaw 2026.6.11 already installed"
else
  rm -rf "$prefix.partial"
  install -d -m 0755 '/opt/openclaw'
  PATH=/usr/local/bin:$PATH npm install --global --prefix "$prefix.partial" --registry 'https://registry.npmjs.org/' \
    --no-audit --no-fund --no-update-notifier --loglevel=error 'openclaw@2026.6.11'
  touch "$prefix.partial/.openclaw-infra"
  rm -rf "$prefix" && mv "$prefix.partial" "$prefix"
  echo "installed openclaw 2026.6.11"
fi
# Older releases this service installed go, except the one the unit still runs (the rollback
# target until the restart onto the new one succeeded).
running=$(grep -o '/opt/openclaw/[^/ ]*' '/etc/systemd/system/openclaw-gateway.service' 2>/dev/null | head -1 || true)
for old in '/opt/openclaw'/*; do
  if [ "$old" != "$prefix" ] && [ "$old" != "$running" ] && [ -f "$old/.openclaw-infra" ]; then rm -rf "$old"; echo "removed $old"; fi
done
echo '2026.6.11'
