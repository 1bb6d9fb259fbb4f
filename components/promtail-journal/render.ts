// Pure rendering of PromtailJournal's files and scripts from its settings. Golden-file tested.
import { writeFileScript } from "../../src/remote/file";
import { sh } from "../../src/remote/shell";
import { Directive, hardening, hardeningLines } from "../../src/hardening";
import { template } from "../../src/template";
import { PromtailSettings, RELEASE_URLS } from "./schema";

type Agent = PromtailSettings["agent"];

/** Where each agent's pieces live. The unit names match Grafana's packages, so ours take precedence. */
export function paths(agent: Agent) {
  const common = { user: agent, stateDir: `/var/lib/${agent}`, unit: `${agent}.service`, link: `/usr/local/bin/${agent}` };
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
const configScriptTemplate = template<{ path: string; agent: string; checkName: string; suffix: string; check: string; write: string }>(__dirname, "config.sh.hbs");
const installArchiveTemplate = template<{ agent: string; version: string; prefix: string; url: string; sha256: string; zipMember: string | false; link: string }>(
  __dirname,
  "install-archive.sh.hbs",
);
const uninstallArchiveTemplate = template<{ agent: string; prefix: string; link: string }>(__dirname, "uninstall-archive.sh.hbs");

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

/** Reads the new configuration from stdin, has the agent check it, then writes it atomically. */
export function renderConfigScript(s: PromtailSettings): string {
  const p = paths(s.agent);
  const bin = sh(binaryPath(s));
  const check = s.agent === "promtail" ? `${bin} -config.file="$candidate" -check-syntax` : `${bin} validate "$candidate"`;
  const write = writeFileScript(p.config, "root", p.user, "0640").trimEnd() + ' < "$candidate"';
  return configScriptTemplate({
    path: p.config,
    agent: s.agent,
    checkName: s.agent === "promtail" ? "promtail -check-syntax" : "alloy validate",
    suffix: s.agent === "promtail" ? ".yaml" : ".alloy",
    check,
    write,
  });
}

/** <base>/v<version>/<asset>; the asset defaults to the agent's linux-amd64 zip. */
export function releaseDownload(s: PromtailSettings): { url: string; asset: string } {
  const asset = s.releaseAsset ?? `${s.agent}-linux-amd64.zip`;
  const base = (s.releaseUrl ?? RELEASE_URLS[s.agent]).replace(/\/+$/, "");
  return { url: `${base}/v${s.version}/${asset}`, asset };
}

export function archivePrefix(s: PromtailSettings): string {
  return `/opt/${s.agent}-${s.version}`;
}

export function renderInstallArchive(s: PromtailSettings): string {
  const { url, asset } = releaseDownload(s);
  return installArchiveTemplate({
    agent: s.agent,
    version: s.version!,
    prefix: archivePrefix(s),
    url,
    sha256: s.sha256!,
    zipMember: asset.endsWith(".zip") ? asset.replace(/\.zip$/, "") : false,
    link: paths(s.agent).link,
  });
}

export function renderUninstallArchive(s: PromtailSettings): string {
  return uninstallArchiveTemplate({ agent: s.agent, prefix: archivePrefix(s), link: paths(s.agent).link });
}
