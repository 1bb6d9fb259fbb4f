// The registry's list: every component the program can deploy, one line each, in build order (an
// entry may use what the entries before it built). Each entry lives with its component
// (components/<name>/entry.ts); config loading, the program, the sandbox stacks, the
// quickstart's summary and the tests walk this list (src/registry/walkers.ts). Adding one:
// README, "Adding a component".
import { alertmanager } from "../../components/alertmanager/entry";
import { blackbox } from "../../components/blackbox-exporter/entry";
import { cloudflared, tunnel } from "../../components/cloudflare-tunnel/entry";
import { firewall } from "../../components/firewall/entry";
import { gateway } from "../../components/gateway-service/entry";
import { grafana } from "../../components/grafana/entry";
import { system } from "../../components/host-system/entry";
import { journald } from "../../components/journald/entry";
import { loki } from "../../components/loki/entry";
import { nodeExporter } from "../../components/node-exporter/entry";
import { node } from "../../components/node-runtime/entry";
import { otelCollector } from "../../components/otel-collector/entry";
import { pgBackRest } from "../../components/pgbackrest/entry";
import { postgresExporter } from "../../components/postgres-exporter/entry";
import { postgres } from "../../components/postgres-native/entry";
import { prometheus } from "../../components/prometheus/entry";
import { logs } from "../../components/promtail-journal/entry";
import { sshd } from "../../components/sshd/entry";
import { stateBackup } from "../../components/restic/entry";
import { tempo } from "../../components/tempo/entry";
import { updates } from "../../components/updates/entry";
import { wireguard } from "../../components/wireguard/entry";

export const REGISTRY = [
  system,
  journald,
  firewall,
  wireguard,
  sshd,
  nodeExporter,
  updates,
  logs,
  loki,
  tempo,
  otelCollector,
  pgBackRest,
  postgres,
  postgresExporter,
  node,
  tunnel,
  cloudflared,
  stateBackup,
  gateway,
  blackbox,
  alertmanager,
  prometheus,
  grafana,
] as const;
