// Pure rendering of PromtailJournal's files and scripts from its settings. Golden-file tested.
import { CheckedFileSpec } from "../../src/remote/checked-file";
import { VersionedInstallSpec } from "../../src/remote/install";
import { script, sh } from "../../src/remote/shell";
import { Directive, hardening, hardeningLines } from "../../src/hardening";
import { template } from "../../src/template";
import { PromtailSettings, RELEASE_URLS } from "./schema";

type Agent = PromtailSettings["agent"];

/** Where each agent's pieces live. The unit names match Grafana's packages, so ours take precedence. */
export function paths(agent: Agent) {
  const common = { user: agent, stateDir: `/var/lib/${agent}`, unit: `${agent}.service`, link: `/usr/local/bin/${agent}`, installRoot: `/opt/${agent}` };
  return agent === "promtail"
    ? { ...common, config: "/etc/promtail/journal.yaml", readyPath: "/ready", documentation: "https://grafana.com/docs/loki/latest/send-data/promtail/" }
    : { ...common, config: "/etc/alloy/journal.alloy", readyPath: "/-/ready", documentation: "https://grafana.com/docs/alloy/latest/" };
}

/** The agent's binary: the package's under /usr/bin, or the release's link under /usr/local/bin. */
export function binaryPath(s: PromtailSettings): string {
  return s.from === "apt" ? `/usr/bin/${s.agent}` : paths(s.agent).link;
}

export function readyUrl(s: PromtailSettings): string {
  return `http://127.0.0.1:${s.port}${paths(s.agent).readyPath}`;
}

/** Anchored alternatives for a relabel `keep` rule; null ships every unit. */
export function unitsRegex(units: string[]): string | null {
  if (units.length === 0) return null;
  return units.map((u) => u.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
}


/** When Loki is addressed by IP, the unit may talk to it and to localhost only. */
export function ipAllowList(lokiUrl: string): string | null {
  const host = new URL(lokiUrl).hostname;
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? `localhost ${host}` : null;
}

const promtailConfigTemplate = template<ConfigValues & { positions: string }>(__dirname, "promtail.yaml.hbs");
const alloyConfigTemplate = template<ConfigValues>(__dirname, "journal.alloy.hbs");
const unitTemplate = template<UnitValues>(__dirname, "agent.service.hbs");

interface ConfigValues {
  port: number;
  lokiUrl: string;
  maxAge: string;
  job: string;
  host: string;
  unitsRegex: string | null;
}

interface UnitValues {
  description: string;
  documentation: string;
  user: string;
  execStart: string;
  stateDirectory: string;
  stateDir: string;
  memoryMax: string;
  hardening: { key: string; value: string }[];
}

function configValues(s: PromtailSettings): ConfigValues {
  return { port: s.port, lokiUrl: s.lokiUrl, maxAge: s.maxAge, job: s.job, host: s.hostLabel, unitsRegex: unitsRegex(s.units) };
}

/** The agent's configuration: promtail YAML or Alloy syntax, from the same settings. */
export function renderConfig(s: PromtailSettings): string {
  return s.agent === "promtail"
    ? promtailConfigTemplate({ ...configValues(s), positions: `${paths("promtail").stateDir}/positions.yaml` })
    : alloyConfigTemplate(configValues(s));
}

export function renderUnit(s: PromtailSettings): string {
  const p = paths(s.agent);
  const bin = binaryPath(s);
  const execStart =
    s.agent === "promtail"
      ? `${bin} -config.file=${p.config}`
      : `${bin} run --server.http.listen-addr=127.0.0.1:${s.port} --storage.path=${p.stateDir} --disable-reporting ${p.config}`;
  const allow = ipAllowList(s.lokiUrl);
  // Talks to Loki only: when its address is known, nothing else is reachable.
  const extra: Directive[] = allow ? [["IPAddressDeny", "any"], ["IPAddressAllow", allow]] : [];
  const directives = s.hardening ? hardening({ readsJournal: true, extra }) : [];
  return unitTemplate({
    description: s.agent === "promtail" ? "Promtail: the systemd journal to Loki" : "Grafana Alloy: the systemd journal to Loki",
    documentation: p.documentation,
    user: p.user,
    execStart,
    stateDirectory: s.agent,
    stateDir: p.stateDir,
    memoryMax: s.memoryMax,
    hardening: hardeningLines(directives),
  });
}

/** The configuration as a checked file: the agent itself checks a candidate before it replaces the current one. */
export function configFileSpec(s: PromtailSettings): CheckedFileSpec {
  const p = paths(s.agent);
  const bin = sh(binaryPath(s));
  return s.agent === "promtail"
    ? { path: p.config, owner: "root", group: p.user, mode: "0640", suffix: ".yaml", checkerName: "promtail -check-syntax", checker: `${bin} -config.file="$candidate" -check-syntax` }
    : { path: p.config, owner: "root", group: p.user, mode: "0640", suffix: ".alloy", checkerName: "alloy validate", checker: `${bin} validate "$candidate"` };
}

/** <base>/v<version>/<asset>; the asset defaults to the agent's linux-amd64 zip. */
export function releaseDownload(s: PromtailSettings): { url: string; asset: string } {
  const asset = s.releaseAsset ?? `${s.agent}-linux-amd64.zip`;
  const base = (s.releaseUrl ?? RELEASE_URLS[s.agent]).replace(/\/+$/, "");
  return { url: `${base}/v${s.version}/${asset}`, asset };
}

/** A release download checked against its sha256, as a versioned install under /opt/<agent>. */
export function archiveInstallSpec(s: PromtailSettings): VersionedInstallSpec {
  const { url, asset } = releaseDownload(s);
  const member = asset.endsWith(".zip") ? asset.replace(/\.zip$/, "") : undefined;
  return {
    tool: s.agent,
    version: s.version!,
    root: paths(s.agent).installRoot,
    fetch: script(
      `curl -fsSL --retry 3 -o "$work/download" ${sh(url)}`,
      `echo ${sh(s.sha256!)}"  $work/download" | sha256sum --check --quiet`,
      member ? `unzip -q "$work/download" ${sh(member)} -d "$work" && mv "$work/"${sh(member)} "$work/binary"` : `mv "$work/download" "$work/binary"`,
      `install -m 0755 "$work/binary" "$partial/"${sh(s.agent)}`,
    ),
    binary: s.agent,
    links: { [paths(s.agent).link]: s.agent },
  };
}
