# The cluster and its data stay (dropDataOnDestroy is off); only our unit drop-in goes.
echo "kept cluster 17/main and its data"
rm -f '/etc/systemd/system/postgresql@17-main.service.d/10-openclaw.conf'
rmdir --ignore-fail-on-non-empty "$(dirname '/etc/systemd/system/postgresql@17-main.service.d/10-openclaw.conf')" 2>/dev/null || true
systemctl daemon-reload
