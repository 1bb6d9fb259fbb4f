if systemctl is-enabled --quiet 'openclaw-gateway.service' 2>/dev/null; then
  systemctl restart 'openclaw-gateway.service'
  echo "restarted openclaw-gateway.service"
  health_exits=0 health_state=
  for i in $(seq 1 90); do
    if body=$(curl -fsS --max-time 2 'http://127.0.0.1:18789/health' 2>/dev/null) && grep -Eq '"ok": ?true' <<<"$body"; then
      echo "healthy after ${i}s: ${body:0:200}"; break
    fi
    health_was=$health_state health_state=$(systemctl show -p SubState --value 'openclaw-gateway.service')
    if [ "$health_state" = auto-restart ] && [ "$health_was" != auto-restart ]; then health_exits=$((health_exits + 1)); fi
    if [ "$i" = 90 ] || [ "$health_state" = failed ] || [ "$health_exits" -ge 3 ]; then
      if [ "$health_exits" = 0 ]; then health_exited=; else health_exited=" (exited $health_exits times)"; fi
      echo "openclaw-gateway.service is not healthy at http://127.0.0.1:18789/health after ${i}s$health_exited; last journal lines:" >&2
      journalctl -u 'openclaw-gateway.service' -n 40 --no-pager -o cat >&2
      exit 1
    fi
    sleep 1
  done
else
  echo "openclaw-gateway.service is not enabled yet: its unit step starts it"
fi
