# Remove what the archive install wrote, and only that: a link pointing elsewhere stays.
dir='/opt/promtail-3.6.4'
if [ "$(readlink '/usr/local/bin/promtail')" = "$dir/promtail" ]; then rm -f '/usr/local/bin/promtail'; fi
if [ -f "$dir/.openclaw-infra" ]; then rm -rf "$dir"; fi
