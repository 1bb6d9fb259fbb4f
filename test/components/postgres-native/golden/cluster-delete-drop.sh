# dropDataOnDestroy is set: the cluster goes, with every database and its data directory.
if pg_lsclusters --no-header | awk '{print $1 "/" $2}' | grep -qx '17/main'; then
  pg_dropcluster --stop 17 main
  echo "dropped cluster 17/main and its data"
fi
rm -f '/etc/systemd/system/postgresql@17-main.service.d/10-openclaw.conf'
rmdir --ignore-fail-on-non-empty "$(dirname '/etc/systemd/system/postgresql@17-main.service.d/10-openclaw.conf')" 2>/dev/null || true
systemctl daemon-reload
