// Pure rendering of NodeExporter's files and scripts from its settings. Golden-file tested.
import * as fs from "fs";
import * as path from "path";
import { Directive, hardening } from "../../src/hardening";
import { HttpHealthCheck } from "../../src/remote/health";
import { renderUnitFile, UnitLine, UnitSpec } from "../../src/remote/unit-file";
import { packagedDropIn } from "../../src/remote/packaged-service";
import { NodeExporterSettings } from "./schema";

/** What Debian's package (prometheus-node-exporter, Debian 12 and 13) ships, and our drop-in. */
export const PATHS = {
  package: "prometheus-node-exporter",
  unit: "prometheus-node-exporter.service",
  binary: "/usr/bin/prometheus-node-exporter",
  /** The package's EnvironmentFile; its ARGS are the whole command line. A conffile. */
  defaults: "/etc/default/prometheus-node-exporter",
  /** Our drop-in: /etc/systemd/system/prometheus-node-exporter.service.d/10-openclaw.conf */
  dropIn: "10-openclaw",
} as const;

export function metricsUrl(s: Pick<NodeExporterSettings, "listenAddress" | "port">): string {
  return `http://${s.listenAddress}:${s.port}/metrics`;
}

/** After every restart: /metrics answers on the listen address with node-exporter's own metric. */
export function healthCheck(s: NodeExporterSettings): HttpHealthCheck {
  return { url: metricsUrl(s), expect: "^node_exporter_build_info\\{", unit: PATHS.unit };
}

/** The command-line arguments, in the order they appear in ARGS. */
export function renderFlags(s: NodeExporterSettings): string[] {
  return [`--web.listen-address=${s.listenAddress}:${s.port}`, ...s.disableCollectors.map((c) => `--no-collector.${c}`)];
}

/**
 * The shared policy, less what a reader of host-wide metrics needs:
 * - ProcSubset=pid would hide /proc/stat, /proc/meminfo, /proc/net/...: the metrics themselves.
 * - ProtectProc=invisible hides /proc/1/mountinfo (pid 1 is root's). The filesystem collector
 *   then reads its own mount namespace, where ProtectSystem= makes every filesystem read-only
 *   and ProtectHome= puts a tmpfs over /home: node_filesystem_readonly and sizes would lie.
 * - ProtectHome=read-only, not yes: statfs() of a filesystem mounted under /home must see it.
 * - ProtectClock=yes denies adjtimex(2), which the timex collector calls read-only (clock sync
 *   state); it is allowed back alone. Setting the clock still fails: the unit has no
 *   capabilities (CapabilityBoundingSet=).
 * Everything else holds, including PrivateUsers=, the system call filter and
 * MemoryDenyWriteExecute= (Go does not need writable code).
 */
export function exporterHardening(): Directive[] {
  const relaxed = new Set(["ProcSubset", "ProtectProc", "ProtectClock"]);
  return hardening({ extra: [["SystemCallFilter", "adjtimex"]] })
    .filter(([key]) => !relaxed.has(key))
    .map(([key, value]): Directive => (key === "ProtectHome" ? [key, "read-only"] : [key, value]));
}

/** IPAddressAllow= for allowFrom: the host itself (loopback and its own address), then the peers. */
export function allowList(s: NodeExporterSettings): string | null {
  return s.allowFrom.length === 0 ? null : ["localhost", s.listenAddress, ...s.allowFrom].join(" ");
}

/** Debian's /etc/default/prometheus-node-exporter as the package ships it (its conffile md5 matches). */
export const STOCK_DEFAULTS = fs.readFileSync(path.join(__dirname, "templates", "stock.default"), "utf8");

/** The drop-in: network-online ordering, calm restarts, allowFrom, and the hardening. */
export function dropInSpec(s: NodeExporterSettings): UnitSpec {
  const service: UnitLine[] = [];
  const allow = allowList(s);
  if (allow !== null)
    service.push({ comment: "Only these peers, and the host itself, may connect." }, ["IPAddressDeny", "any"], ["IPAddressAllow", allow]);
  if (s.hardening) {
    service.push({
      comment:
        "Sandboxing: the shared policy (src/hardening.ts), relaxed only where host-wide metrics need\n" +
        "it (components/node-exporter/render.ts says where and why).",
    });
  }
  return packagedDropIn(PATHS, { argsHold: "listen address, collectors", service, hardening: s.hardening ? exporterHardening() : [] });
}

export function renderDropIn(s: NodeExporterSettings): string {
  return renderUnitFile(dropInSpec(s));
}
