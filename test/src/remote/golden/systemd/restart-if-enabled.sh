if systemctl is-enabled --quiet 'openclaw-gateway.service' 2>/dev/null; then
  systemctl restart 'openclaw-gateway.service'
  echo "restarted openclaw-gateway.service"
  for i in $(seq 1 90); do
    if body=$(curl -fsS --max-time 2 'http://127.0.0.1:18789/health' 2>/dev/null) && grep -Eq '"ok": ?true' <<<"$body"; then
      echo "healthy after ${i}s: ${body:0:200}"; break
    fi
    if [ "$i" = 90 ] || [ "$(systemctl show -p ActiveState --value 'openclaw-gateway.service')" = failed ]; then
      echo "openclaw-gateway.service is not healthy at http://127.0.0.1:18789/health after ${i}s; last journal lines:" >&2
      journalctl -u 'openclaw-gateway.service' -n 40 --no-pager -o cat >&2
      exit 1
    fi
    sleep 1
  done
else
  echo "openclaw-gateway.service is not enabled yet: its unit step starts it"
fi
