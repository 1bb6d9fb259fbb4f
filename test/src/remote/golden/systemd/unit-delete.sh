systemctl disable --now --quiet 'openclaw-gateway.service' 2>/dev/null || true
rm -f '/etc/systemd/system/openclaw-gateway.service'
systemctl daemon-reload
systemctl reset-failed 'openclaw-gateway.service' 2>/dev/null || true
