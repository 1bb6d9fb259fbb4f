#!/bin/sh
# Whether the host waits for a reboot (Debian policy 9.12: a package's postinst touches
# {{rebootRequired}}), for node-exporter's textfile collector. /run is emptied at boot, so the
# timer's run at boot writes 0 again.
set -eu
dir={{textfileDir}}
file="$dir/openclaw-reboot-required.prom"
[ -d "$dir" ] || { echo "no $dir (node-exporter is not installed): nothing to write"; exit 0; }
if [ -e {{rebootRequired}} ]; then required=1; else required=0; fi
tmp=$(mktemp "$dir/.openclaw-reboot-required.XXXXXX")
{
  echo "# HELP openclaw_reboot_required 1 when an installed update needs a reboot (/run/reboot-required exists)."
  echo "# TYPE openclaw_reboot_required gauge"
  echo "openclaw_reboot_required $required"
} > "$tmp"
chmod 0644 "$tmp"
mv -f "$tmp" "$file"
echo "reboot required: $required"
