// A program installed from its release download (GitHub releases, or a mirror in the same
// layout): the download is checked against its sha256 before anything is unpacked, the one
// binary taken out of it (a .zip, a .tar.gz, or the binary itself) and installed as a
// versioned install (install.ts) under <root>/<version> with a link through <root>/current;
// releaseService runs it as a service of its own.
import * as pulumi from "@pulumi/pulumi";
import { aptPackages } from "./apt";
import { checkedFile, CheckedFileSpec } from "./checked-file";
import { digest } from "./file";
import { hardening } from "../hardening";
import { versionedInstall, VersionedInstallSpec } from "./install";
import { script, sh } from "./shell";
import { Connection } from "./ssh";
import { systemdUnit } from "./systemd";
import { systemUser } from "./user";
import { serviceUnit, UnitSpec } from "./unit-file";

/** Where a release is published, in GitHub's layout: <releaseUrl>/v<version>/<asset>. */
export interface ReleaseAsset {
  releaseUrl: string;
  version: string;
  /** The download: a .zip or .tar.gz holding the binary, or the binary itself. */
  asset: string;
}

/**
 * A program its project publishes as release downloads: what a service installed from them and
 * the sandbox's mirror of them both go by.
 */
export interface Release {
  /** The program: its binary, user and unit, /etc/<tool>, /opt/<tool>. */
  tool: string;
  /** Where the project publishes its downloads: <releases>/v<version>/<asset>. */
  releases: string;
  /** The download's file name for a version, as the project names it. */
  asset: (version: string) => string;
  /** Path of the binary inside a .zip or .tar.gz download; default the tool's name. */
  member?: (asset: string) => string | undefined;
}

/** Grafana's zips hold the binary under the download's name without .zip (loki-linux-amd64.zip: loki-linux-amd64). */
export function zipStem(asset: string): string | undefined {
  return asset.endsWith(".zip") ? asset.slice(0, -".zip".length) : undefined;
}

/** Path of the binary inside a download: undefined when the download is the binary itself. */
export function releaseMember(r: Pick<Release, "tool" | "member">, asset: string): string | undefined {
  return /\.(zip|tar\.gz)$/.test(asset) ? (r.member?.(asset) ?? r.tool) : undefined;
}

export interface ReleaseDownload extends ReleaseAsset, Pick<Release, "tool" | "member"> {
  /** The download's sha256, from the release's checksums. */
  sha256: string;
}

/** A download's path under its release URL: v<version>/<asset>. */
export function releaseAssetPath(r: Pick<ReleaseAsset, "version" | "asset">): string {
  return `v${r.version}/${r.asset}`;
}

export function releaseAssetUrl(r: ReleaseAsset): string {
  return `${r.releaseUrl.replace(/\/+$/, "")}/${releaseAssetPath(r)}`;
}

/** The versioned install of a checked release download. */
export function releaseInstallSpec(r: ReleaseDownload): VersionedInstallSpec {
  const member = releaseMember(r, r.asset);
  const unpack = !member
    ? `mv "$work/download" "$work/binary"`
    : r.asset.endsWith(".zip")
      ? `unzip -q "$work/download" ${sh(member)} -d "$work/unpacked"`
      : `mkdir "$work/unpacked" && tar -xzf "$work/download" -C "$work/unpacked" ${sh(member)}`;
  return {
    tool: r.tool,
    version: r.version,
    root: `/opt/${r.tool}`,
    fetch: script(
      `curl -fsSL --retry 3 -o "$work/download" ${sh(releaseAssetUrl(r))}`,
      `echo ${sh(r.sha256)}"  $work/download" | sha256sum --check --quiet`,
      unpack,
      `install -m 0755 "$work/${member ? `unpacked/"${sh(member)}` : `binary"`} "$partial/"${sh(r.tool)}`,
    ),
    binary: r.tool,
    links: { [`/usr/local/bin/${r.tool}`]: r.tool },
  };
}

/** The Debian packages a release install needs on the host. */
export const RELEASE_TOOLS = ["ca-certificates", "curl", "unzip"];

/** Where a service run from a release keeps its pieces: all named after the program. */
export function releasePaths(tool: string) {
  return {
    unit: `${tool}.service`,
    user: tool,
    config: `/etc/${tool}/${tool}.yaml`,
    stateDir: `/var/lib/${tool}`,
    binary: `/usr/local/bin/${tool}`,
  };
}

export interface ReleaseUnit {
  tool: string;
  description: string;
  documentation: string;
  memoryMax: string;
  hardening: boolean;
  /** How the program is told its configuration file; default Grafana's `-config.file=`. */
  configFlag?: string;
}

/**
 * The unit of a release's single binary: its own user, its configuration file, state in
 * /var/lib/<tool>, time to flush on a stop, and the shared hardening, unchanged.
 */
export function releaseUnitSpec(u: ReleaseUnit): UnitSpec {
  const p = releasePaths(u.tool);
  return serviceUnit({
    description: u.description,
    documentation: u.documentation,
    service: [
      ["User", p.user],
      ["Group", p.user],
      ["ExecStart", `${p.binary} ${u.configFlag ?? "-config.file="}${p.config}`],
      ["StateDirectory", u.tool],
      ["StateDirectoryMode", "0700"],
      ["WorkingDirectory", p.stateDir],
      ["Restart", "on-failure"],
      ["RestartSec", "5"],
      // Flushes what it holds in memory on a stop; its WAL covers a kill.
      ["TimeoutStopSec", "60"],
      ["LimitNOFILE", "65536"],
      ["MemoryMax", u.memoryMax],
      ["StandardOutput", "journal"],
      ["StandardError", "journal"],
    ],
    hardening: u.hardening ? hardening() : [],
  });
}

/** Its YAML configuration, readable by its user, checked by `<tool> <configFlag><candidate> <checkFlag>`. */
export function releaseConfigSpec(tool: string, checkFlag: string, configFlag = "-config.file="): CheckedFileSpec {
  const p = releasePaths(tool);
  return {
    path: p.config,
    owner: "root",
    group: p.user,
    mode: "0640",
    suffix: ".yaml",
    checkerName: `${tool} ${checkFlag.replace(/=true$/, "")}`,
    checker: `${sh(p.binary)} ${configFlag}"$candidate" ${checkFlag}`,
  };
}

export interface ReleaseServiceArgs {
  connection: pulumi.Input<Connection>;
  install: VersionedInstallSpec;
  /** The checked configuration and its content. */
  config: CheckedFileSpec;
  content: string;
  spec: UnitSpec;
  /** Its HTTP readiness endpoint. */
  readyUrl: string;
}

/**
 * A service run from a release install, in the order a host needs it: download tools, the
 * release, its user, its checked configuration, then its unit, restarted when the
 * configuration or the release changed and followed by a wait until it answers "ready". The
 * result is the installed version, known once the unit is up.
 */
export function releaseService(name: string, args: ReleaseServiceArgs, parent: pulumi.Resource): pulumi.Output<string> {
  const { connection } = args;
  const p = releasePaths(args.install.tool);
  const opts = { parent };
  const tools = aptPackages(`${name}-tools`, { connection, packages: RELEASE_TOOLS }, opts);
  const install = versionedInstall(`${name}-install`, { connection, spec: args.install }, { ...opts, dependsOn: [tools] });
  const user = systemUser(`${name}-user`, { connection, user: p.user, home: p.stateDir }, opts);
  const config = checkedFile(`${name}-config`, { connection, ...args.config, content: args.content }, { ...opts, dependsOn: [install, user] });
  const installed = install.result.apply((r) => r ?? "");
  const unit = systemdUnit(
    `${name}-unit`,
    {
      connection,
      name: p.unit,
      spec: args.spec,
      reads: [args.config.path],
      restartTriggers: [digest(args.content), installed],
      // "ready" once its ingester has joined the ring, some seconds after the start.
      healthCheck: { url: args.readyUrl, expect: "^ready", unit: p.unit, timeoutSeconds: 120 },
    },
    { ...opts, dependsOn: [install, user, config] },
  );
  return pulumi.all([installed, unit.id]).apply(([v]) => v);
}
