case "$(systemctl is-enabled 'openclaw-gateway.service' 2>/dev/null || true)" in masked*)
  systemctl unmask --quiet 'openclaw-gateway.service'
  echo "unmasked openclaw-gateway.service" ;;
esac
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
install -d "$(dirname "$work/"'openclaw-gateway.service')"
cat > "$work/"'openclaw-gateway.service'
if out=$(SYSTEMD_UNIT_PATH="$work:" systemd-analyze verify --man=no 'openclaw-gateway.service' 2>&1); then refused=$(grep -F "$work/" <<<"$out" || true); else refused=$out; fi
if [ -n "$refused" ]; then
  echo 'systemd-analyze verify rejects /etc/systemd/system/openclaw-gateway.service; the current one stays:' >&2
  echo "$out" >&2
  exit 1
fi
(
dest='/etc/systemd/system/openclaw-gateway.service'
tmp=""
for attempt in 1 2 3 4 5; do
  [ -d '/etc/systemd/system' ] || install -d -m 0755 '/etc/systemd/system'
  tmp=$(mktemp '/etc/systemd/system/.tmp.XXXXXX' 2>/dev/null) && break
done
[ -n "$tmp" ] || { echo 'cannot create a file in /etc/systemd/system' >&2; exit 1; }
trap 'rm -f "$tmp"' EXIT
cat > "$tmp"
chown 'root:root' "$tmp"
chmod '0644' "$tmp"
if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then
  if [ "$(stat -c %U:%G:%a "$dest")" = 'root:root:644' ]; then
    echo "unchanged $dest"
  else
    chown 'root:root' "$dest" && chmod '0644' "$dest"
    echo "set owner and mode of $dest"
  fi
else
  mv -f "$tmp" "$dest"
  echo "wrote $dest"
fi
) < "$work/"'openclaw-gateway.service'
systemctl daemon-reload
systemctl enable --quiet 'openclaw-gateway.service'
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

