# The gateway's state on a blank host, before the gateway first starts: /var/lib/openclaw filled by a
# backup tool's restore. Blank: absent, or holding nothing but stale gateway.*.lock files (the
# unit's ExecStartPre removes those anyway). A host with data is never seeded.
state='/var/lib/openclaw'
if [ -d "$state" ] && [ -n "$(find "$state" -mindepth 1 -maxdepth 1 ! -name 'gateway.*.lock' -print -quit)" ]; then
  echo "$state holds data: nothing to restore"
  exit 0
fi
if systemctl is-active --quiet 'openclaw-gateway.service'; then
  echo "openclaw-gateway.service already runs on an empty $state: not restoring under it (stop it, then up --refresh restores)" >&2
  exit 0
fi
install -d -m 0700 "$state"
find "$state" -mindepth 1 -maxdepth 1 -name 'gateway.*.lock' -delete
(
# the backup tool's restore
)
chown -R 'openclaw': "$state"
chmod 0700 "$state"
