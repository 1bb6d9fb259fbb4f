rm -f '/etc/systemd/system/prometheus-node-exporter.service.d/10-openclaw.conf'
[ ! -d '/etc/systemd/system/prometheus-node-exporter.service.d' ] || rmdir --ignore-fail-on-non-empty '/etc/systemd/system/prometheus-node-exporter.service.d'
systemctl daemon-reload
echo "removed /etc/systemd/system/prometheus-node-exporter.service.d/10-openclaw.conf"
if systemctl is-active --quiet 'prometheus-node-exporter.service'; then
  systemctl restart 'prometheus-node-exporter.service'
  echo "restarted prometheus-node-exporter.service without 10-openclaw.conf"
fi
