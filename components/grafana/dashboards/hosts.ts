// Hosts: node-exporter (Debian 13's prometheus-node-exporter 1.9) on every host, by the `host`
// label Prometheus adds to each target.
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { dashboard, place, promRange } from "./common";

const series = (title: string, unit: string) => new timeseries.PanelBuilder().title(title).unit(unit).fillOpacity(10);

export function hostsDashboard() {
  return place(dashboard("openclaw-hosts", "Hosts", "CPU, memory, disk and network of every host (node-exporter)"), [
    {
      h: 8,
      panels: [
        [
          series("CPU busy", "percentunit")
            .max(1)
            .withTarget(promRange("A", `1 - avg by (host) (rate(node_cpu_seconds_total{mode="idle"}[$__rate_interval]))`, "{{host}}")),
          12,
        ],
        [
          series("Memory used", "percentunit")
            .max(1)
            .withTarget(promRange("A", "1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes", "{{host}}")),
          12,
        ],
      ],
    },
    {
      h: 8,
      panels: [
        [
          // Every filesystem node-exporter reports, tmpfs included: a full /run or /tmp breaks services too.
          series("Disk used", "percentunit")
            .max(1)
            .withTarget(promRange("A", "1 - node_filesystem_avail_bytes / node_filesystem_size_bytes", "{{host}} {{mountpoint}}")),
          12,
        ],
        [
          series("Network", "Bps")
            .withTarget(
              promRange("A", `sum by (host) (rate(node_network_receive_bytes_total{device!="lo"}[$__rate_interval]))`, "{{host}} in"),
            )
            .withTarget(
              promRange("B", `-sum by (host) (rate(node_network_transmit_bytes_total{device!="lo"}[$__rate_interval]))`, "{{host}} out"),
            ),
          12,
        ],
      ],
    },
  ]);
}
