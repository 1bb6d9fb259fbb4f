# Undo: Debian's own /etc/default/prometheus comes back,
# and with it ARGS="" (every address). So the service is switched off first: the package stays
# installed (removing it is the operator's call), but nothing listens on an address this project
# did not choose. A later `pulumi up` enables it again.
systemctl disable --now --quiet 'prometheus.service' 2>/dev/null || true
if [ -f '/etc/default/prometheus' ]; then
  cat > '/etc/default/prometheus'.openclaw-tmp <<'STOCK'
# Set the command-line arguments to pass to the server.
# Due to shell escaping, to pass backslashes for regexes, you need to double
# them (\\d for \d). If running under systemd, you need to double them again
# (\\\\d to mean \d), and escape newlines too.
ARGS=""
STOCK
  chmod 0644 '/etc/default/prometheus'.openclaw-tmp
  mv -f '/etc/default/prometheus'.openclaw-tmp '/etc/default/prometheus'
fi
echo "prometheus.service is stopped and disabled; /etc/default/prometheus is Debian's again"
