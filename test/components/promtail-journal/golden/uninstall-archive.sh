root='/opt/promtail'
if [ "$(readlink '/usr/local/bin/promtail')" = '/opt/promtail/current/promtail' ]; then rm -f '/usr/local/bin/promtail'; fi
rm -f "$root/current" "$root/previous"
for old in "$root"/* "$root"/.partial-*; do
  if [ -f "$old/.openclaw-infra" ] || [[ "${old##*/}" == .partial-* ]]; then rm -rf "$old"; echo "removed $old"; fi
done
rmdir --ignore-fail-on-non-empty "$root" 2>/dev/null || true
