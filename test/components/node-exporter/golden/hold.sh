# Debian's package starts prometheus-node-exporter.service the moment it is installed,
# with ARGS="" (every address). Masked until /etc/default/prometheus-node-exporter is written, it cannot.
if dpkg-query -W -f='${db:Status-Abbrev}' 'prometheus-node-exporter' 2>/dev/null | grep -q '^ii'; then
  echo "prometheus-node-exporter is installed already: configured in place"
else
  systemctl mask --quiet 'prometheus-node-exporter.service'
  echo "masked prometheus-node-exporter.service until it is configured"
fi
