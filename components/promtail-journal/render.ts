// Pure rendering of PromtailJournal's files and scripts from its settings. Golden-file tested.
import { renderYamlFile } from "../../src/remote/yaml-file";
import { CheckedFileSpec } from "../../src/remote/checked-file";
import { VersionedInstallSpec } from "../../src/remote/install";
import { script, sh } from "../../src/remote/shell";
import { Directive, hardening } from "../../src/hardening";
import { Release, releaseAssetUrl, releaseMember, zipStem } from "../../src/remote/release";
import { renderUnitFile, serviceUnit, UnitSpec } from "../../src/remote/unit-file";
import { template } from "../../src/template";
import { DEFAULT_INSTANCE, INSTANCE_LABEL, INSTANCE_NAME, instancePaths } from "../gateway-service/schema";
import { PromtailSettings, RELEASE_URLS } from "./schema";

type Agent = PromtailSettings["agent"];

/** Where each agent's pieces live. The unit names match Grafana's packages, so ours take precedence. */
export function paths(agent: Agent) {
  const common = {
    user: agent,
    stateDir: `/var/lib/${agent}`,
    unit: `${agent}.service`,
    link: `/usr/local/bin/${agent}`,
    installRoot: `/opt/${agent}`,
  };
  return agent === "promtail"
    ? {
        ...common,
        config: "/etc/promtail/journal.yaml",
        readyPath: "/ready",
        documentation: "https://grafana.com/docs/loki/latest/send-data/promtail/",
      }
    : { ...common, config: "/etc/alloy/journal.alloy", readyPath: "/-/ready", documentation: "https://grafana.com/docs/alloy/latest/" };
}

/** The agent's binary: the package's under /usr/bin, or the release's link under /usr/local/bin. */
export function binaryPath(s: PromtailSettings): string {
  return s.from === "apt" ? `/usr/bin/${s.agent}` : paths(s.agent).link;
}

export function readyUrl(s: PromtailSettings): string {
  return `http://${s.listenAddress}:${s.port}${paths(s.agent).readyPath}`;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Anchored alternatives for a relabel `keep` rule; null ships every unit. */
export function unitsRegex(units: string[]): string | null {
  if (units.length === 0) return null;
  return units.map(escapeRegex).join("|");
}

/** The journal field every rule reads: the line's systemd unit. */
const UNIT_FIELD = "__journal__systemd_unit";

/**
 * The gateway's units as relabel regexes (which match whole values), from their naming in
 * components/gateway-service/instances.ts: the default instance's unit, and any other
 * instance's, its name as group 1.
 */
export function gatewayUnitRegexes(): { default: string; named: string } {
  const placeholder = "NAME";
  const parts = instancePaths(placeholder).unit.split(placeholder);
  if (parts.length !== 2) throw new Error(`gateway unit ${instancePaths(placeholder).unit}: cannot tell the instance name's place`);
  const name = INSTANCE_NAME.source.replace(/^\^/, "").replace(/\$$/, "");
  return {
    default: escapeRegex(instancePaths(DEFAULT_INSTANCE).unit),
    named: `${escapeRegex(parts[0])}(${name})${escapeRegex(parts[1])}`,
  };
}

/** A relabel rule, as both agents write it (promtail's keys; Alloy's attributes of a `rule` block). */
export interface RelabelRule {
  source_labels: string[];
  regex?: string;
  target_label?: string;
  replacement?: string;
  action?: "keep";
}

/**
 * What both agents do to each journal line, in order: label it with its unit, a gateway
 * unit's lines with their instance (relabeling cannot default an empty group, so the default
 * instance has a rule of its own), then keep only the listed units, if any.
 */
export function journalRelabelRules(units: string[]): RelabelRule[] {
  const source_labels = [UNIT_FIELD];
  const gateway = gatewayUnitRegexes();
  const keep = unitsRegex(units);
  return [
    { source_labels, target_label: "unit" },
    { source_labels, regex: gateway.default, target_label: INSTANCE_LABEL, replacement: DEFAULT_INSTANCE },
    { source_labels, regex: gateway.named, target_label: INSTANCE_LABEL, replacement: "$1" },
    ...(keep === null ? [] : [{ source_labels, regex: keep, action: "keep" as const }]),
  ];
}

/** A rule's attributes as Alloy lines, `=` aligned as `alloy fmt` writes them. */
function alloyRule(rule: RelabelRule): string[] {
  const attributes = Object.entries(rule).filter(([, v]) => v !== undefined);
  const width = Math.max(...attributes.map(([k]) => k.length));
  return attributes.map(([k, v]) => `${k.padEnd(width)} = ${JSON.stringify(v)}`);
}

/** When Loki is addressed by IP, the unit may talk to it and to localhost only. */
export function ipAllowList(lokiUrl: string): string | null {
  const host = new URL(lokiUrl).hostname;
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? `localhost ${host}` : null;
}

const alloyConfigTemplate = template<ConfigValues>(__dirname, "journal.alloy.hbs");

interface ConfigValues {
  lokiUrl: string;
  retryMaxBackoff: string;
  maxAge: string;
  job: string;
  host: string;
  /** Each relabel rule's lines. */
  rules: string[][];
}

function configValues(s: PromtailSettings): ConfigValues {
  return {
    lokiUrl: s.lokiUrl,
    retryMaxBackoff: s.retryMaxBackoff,
    maxAge: s.maxAge,
    job: s.job,
    host: s.hostLabel,
    rules: journalRelabelRules(s.units).map(alloyRule),
  };
}

/** promtail's configuration as an object, its keys in the order the file lists them. */
export function promtailConfig(s: PromtailSettings) {
  return {
    server: { http_listen_address: s.listenAddress, http_listen_port: s.port, grpc_listen_address: "127.0.0.1", grpc_listen_port: 0 },
    positions: { filename: `${paths("promtail").stateDir}/positions.yaml` },
    // max_retries 0: retry for ever (dskit's backoff: "zero means infinite retries"), so a batch
    // is never dropped while Loki is down; the journal is read on once it is taken.
    clients: [{ url: s.lokiUrl, backoff_config: { min_period: "500ms", max_period: s.retryMaxBackoff, max_retries: 0 } }],
    scrape_configs: [
      {
        job_name: "journal",
        journal: { max_age: s.maxAge, labels: { job: s.job, host: s.hostLabel } },
        relabel_configs: journalRelabelRules(s.units),
      },
    ],
  };
}

/**
 * promtail.yaml. Promtail reads YAML 1.1 (go-yaml), where yes, on or 0755 are not strings:
 * written as 1.1, any such string is quoted. No anchors for repeated values, no line folding
 * (a long regex stays one line).
 */
function renderPromtailConfig(s: PromtailSettings): string {
  return renderYamlFile(promtailConfig(s), { header: ["Promtail reads the systemd journal and pushes it to Loki."], version: "1.1" });
}

/** The agent's configuration: promtail YAML or Alloy syntax, from the same settings. */
export function renderConfig(s: PromtailSettings): string {
  return s.agent === "promtail" ? renderPromtailConfig(s) : alloyConfigTemplate(configValues(s));
}

export function unitSpec(s: PromtailSettings): UnitSpec {
  const p = paths(s.agent);
  const bin = binaryPath(s);
  const execStart =
    s.agent === "promtail"
      ? `${bin} -config.file=${p.config}`
      : `${bin} run --server.http.listen-addr=${s.listenAddress}:${s.port} --storage.path=${p.stateDir} --disable-reporting ${p.config}`;
  const allow = ipAllowList(s.lokiUrl);
  // Talks to Loki only: when its address is known, nothing else is reachable.
  const extra: Directive[] = allow
    ? [
        ["IPAddressDeny", "any"],
        ["IPAddressAllow", allow],
      ]
    : [];
  return serviceUnit({
    description: s.agent === "promtail" ? "Promtail: the systemd journal to Loki" : "Grafana Alloy: the systemd journal to Loki",
    documentation: p.documentation,
    service: [
      ["User", p.user],
      ["Group", p.user],
      { comment: "Reading the journal needs this group; the user is also a member, for tools run as it." },
      ["SupplementaryGroups", "systemd-journal"],
      ["ExecStart", execStart],
      ["StateDirectory", s.agent],
      ["StateDirectoryMode", "0700"],
      ["WorkingDirectory", p.stateDir],
      ["Restart", "on-failure"],
      ["RestartSec", "5"],
      ["TimeoutStopSec", "30"],
      ["MemoryMax", s.memoryMax],
      ["TasksMax", "256"],
      ["StandardOutput", "journal"],
      ["StandardError", "journal"],
    ],
    hardening: s.hardening ? hardening({ readsJournal: true, extra }) : [],
  });
}

export function renderUnit(s: PromtailSettings): string {
  return renderUnitFile(unitSpec(s));
}

/** The configuration as a checked file: the agent itself checks a candidate before it replaces the current one. */
export function configFileSpec(s: PromtailSettings): CheckedFileSpec {
  const p = paths(s.agent);
  const bin = sh(binaryPath(s));
  return s.agent === "promtail"
    ? {
        path: p.config,
        owner: "root",
        group: p.user,
        mode: "0640",
        suffix: ".yaml",
        checkerName: "promtail -check-syntax",
        checker: `${bin} -config.file="$candidate" -check-syntax`,
      }
    : {
        path: p.config,
        owner: "root",
        group: p.user,
        mode: "0640",
        suffix: ".alloy",
        checkerName: "alloy validate",
        checker: `${bin} validate "$candidate"`,
      };
}

/** Each agent's releases: Grafana's linux-amd64 zip, holding the binary under the zip's name without .zip. */
export function agentRelease(agent: Agent): Release {
  return { tool: agent, asset: () => `${agent}-linux-amd64.zip`, member: zipStem, checksums: "SHA256SUMS" };
}

/** <base>/v<version>/<asset>; the asset defaults to the agent's linux-amd64 zip. */
export function releaseDownload(s: PromtailSettings): { url: string; asset: string } {
  const release = agentRelease(s.agent);
  const version = s.version ?? "";
  const asset = s.releaseAsset ?? release.asset(version);
  return { url: releaseAssetUrl({ releaseUrl: s.releaseUrl ?? RELEASE_URLS[s.agent], version, asset }), asset };
}

/** A release download checked against its sha256, as a versioned install under /opt/<agent>. */
export function archiveInstallSpec(s: PromtailSettings): VersionedInstallSpec {
  const { version, sha256 } = s;
  // The schema requires both with from: archive, the only way here.
  if (!version || !sha256) throw new Error(`${s.agent}: a release install needs its version and sha256`);
  const { url, asset } = releaseDownload(s);
  const member = releaseMember(agentRelease(s.agent), asset);
  return {
    tool: s.agent,
    version,
    root: paths(s.agent).installRoot,
    fetch: script(
      `curl -fsSL --retry 3 -o "$work/download" ${sh(url)}`,
      `echo ${sh(sha256)}"  $work/download" | sha256sum --check --quiet`,
      member
        ? `unzip -q "$work/download" ${sh(member)} -d "$work" && mv "$work/"${sh(member)} "$work/binary"`
        : `mv "$work/download" "$work/binary"`,
      `install -m 0755 "$work/binary" "$partial/"${sh(s.agent)}`,
    ),
    binary: s.agent,
    links: { [paths(s.agent).link]: s.agent },
  };
}
