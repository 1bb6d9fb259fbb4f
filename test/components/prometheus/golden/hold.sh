# Debian's package starts prometheus.service the moment it is installed,
# with ARGS="" (every address). Masked until /etc/default/prometheus is written, it cannot.
if dpkg-query -W -f='${db:Status-Abbrev}' 'prometheus' 2>/dev/null | grep -q '^ii'; then
  echo "prometheus is installed already: configured in place"
else
  systemctl mask --quiet 'prometheus.service'
  echo "masked prometheus.service until it is configured"
fi
