// Pure rendering of BlackboxExporter's files from its settings. Golden-file tested.
import * as fs from "fs";
import * as path from "path";
import { renderYamlFile } from "../../src/remote/yaml-file";
import { hardening } from "../../src/hardening";
import { CheckedFileSpec } from "../../src/remote/checked-file";
import { HttpHealthCheck } from "../../src/remote/health";
import { sh } from "../../src/remote/shell";
import { renderUnitFile, UnitLine, UnitSpec } from "../../src/remote/unit-file";
import { packagedDropIn } from "../../src/remote/packaged-service";
import { BlackboxSettings } from "./schema";

/** What Debian's package (prometheus-blackbox-exporter) ships, and our files. */
export const PATHS = {
  package: "prometheus-blackbox-exporter",
  unit: "prometheus-blackbox-exporter.service",
  binary: "/usr/bin/prometheus-blackbox-exporter",
  defaults: "/etc/default/prometheus-blackbox-exporter",
  /** Ours, next to the package's blackbox.yml (a conffile we leave alone). */
  config: "/etc/prometheus/blackbox-openclaw.yml",
  dropIn: "10-openclaw",
} as const;

/** The module Prometheus's gateway job asks for. */
export const HTTP_MODULE = "http_2xx";

/** Debian's defaults file as the package ships it. */
export const STOCK_DEFAULTS = fs.readFileSync(path.join(__dirname, "templates", "stock.default"), "utf8");

export function renderFlags(s: BlackboxSettings): string[] {
  return [`--config.file=${PATHS.config}`, `--web.listen-address=${s.listenAddress}:${s.port}`];
}

/** One module: an HTTP GET answered 2xx within the timeout, over IPv4 (the gateway's loopback). */
export function blackboxConfig(s: BlackboxSettings) {
  return {
    modules: {
      [HTTP_MODULE]: {
        prober: "http",
        timeout: `${s.timeoutSeconds}s`,
        http: { preferred_ip_protocol: "ip4", ip_protocol_fallback: false },
      },
    },
  };
}

export function renderConfig(s: BlackboxSettings): string {
  return renderYamlFile(blackboxConfig(s), { header: ["The probe Prometheus's gateway job asks for (components/blackbox-exporter)."] });
}

export function configFileSpec(): CheckedFileSpec {
  return {
    path: PATHS.config,
    checkerName: `${PATHS.binary} --config.check`,
    suffix: ".yml",
    checker: `${sh(PATHS.binary)} --config.check --config.file="$candidate"`,
  };
}

export function healthCheck(s: BlackboxSettings): HttpHealthCheck {
  return { url: `http://${s.listenAddress}:${s.port}/metrics`, expect: "^blackbox_exporter_build_info\\{", unit: PATHS.unit };
}

export function dropInSpec(s: BlackboxSettings): UnitSpec {
  const service: UnitLine[] = [];
  if (s.allowFrom.length) {
    service.push(
      { comment: "Only Prometheus asks, and probes reach only this host: /probe names any target." },
      ["IPAddressDeny", "any"],
      ["IPAddressAllow", ["localhost", s.listenAddress, ...s.allowFrom].join(" ")],
    );
  }
  // The shared policy: HTTP probes need no capability (ICMP ones would need CAP_NET_RAW).
  return packagedDropIn(PATHS, { service, hardening: s.hardening ? hardening() : [] });
}

export function renderDropIn(s: BlackboxSettings): string {
  return renderUnitFile(dropInSpec(s));
}
