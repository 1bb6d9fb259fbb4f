// A program installed from its release download (GitHub releases, or a mirror in the same
// layout): the download is checked against its sha256 before anything is unpacked, the one
// binary taken out of it (a .zip, a .tar.gz, or the binary itself) and installed as a
// versioned install (install.ts) under <root>/<version> with a link through <root>/current;
// ReleaseServiceComponent runs it as a service of its own (Loki, Tempo, the collector): one
// options shape, one unit, one checked configuration, one readiness wait.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { aptPackages } from "./apt";
import { checkedFile, CheckedFileSpec } from "./checked-file";
import { digest, remoteFile } from "./file";
import { hardening } from "../hardening";
import { versionedInstall, VersionedInstallSpec } from "./install";
import { script, sh } from "./shell";
import { Connection } from "./ssh";
import { systemdUnit } from "./systemd";
import { systemUser } from "./user";
import { serviceUnit, UnitLine, UnitSpec } from "./unit-file";
import { renderYamlFile } from "./yaml-file";
import { httpUrl, parseOrThrow } from "../validate";

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
  /** The download's file name for a version, as the project names it. */
  asset: (version: string) => string;
  /** Path of the binary inside a .zip or .tar.gz download; default the tool's name. */
  member?: (asset: string) => string | undefined;
  /** The publisher's sha256 list beside the download (sha256sum's format), e.g. SHA256SUMS. */
  checksums: string;
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

/** A port a release service listens on: never a privileged one, its user is not root. */
export const servicePort = z.number().int().min(1024).max(65535);
/** A systemd MemoryMax= size. */
export const memorySize = z.string().regex(/^\d+[KMGT]?$/, "must be a size like 1G");
const sha256Digest = z.string().regex(/^[0-9a-f]{64}$/, "must be a sha256 digest (64 lowercase hex characters)");

/**
 * The options every release service takes (stack config), beside its own: which release (the
 * tested one by default), where its downloads are (the project's releases by default), the
 * download's sha256 (required to deploy: the preflight says so when it is missing), the
 * download's name (the project's by default), MemoryMax= and the unit's sandboxing. Two of its
 * `ports` on the same number are refused.
 */
export function releaseServiceOptionsSchema<Shape extends z.ZodRawShape>(
  r: Release,
  tested: { version: string; releaseUrl: string; memoryMax: string },
  own: Shape,
  ports: readonly (keyof Shape & string)[],
) {
  return z
    .object({
      version: z
        .string()
        .regex(/^\d+\.\d+\.\d+$/, `must be a release like ${tested.version}`)
        .default(tested.version),
      /** The download's digest, or "published": the publisher's list gives it (src/releases.ts). */
      sha256: z.union([sha256Digest, z.literal("published")]).optional(),
      /** Base URL of the release downloads (<base>/v<version>/<asset>); a mirror in the same layout works. */
      releaseUrl: httpUrl.default(tested.releaseUrl),
      /** File name of the download: a .zip or .tar.gz holding the binary, or the binary itself. */
      asset: z
        .string()
        .regex(/^[A-Za-z0-9._-]+$/, `must be a file name like ${r.asset(tested.version)}`)
        .optional(),
      memoryMax: memorySize.default(tested.memoryMax),
      /** Sandboxing of the unit. Only turn off while debugging a crash you suspect it causes. */
      hardening: z.boolean().default(true),
    })
    .extend(own)
    .strict()
    .superRefine((o, ctx) => {
      const seen = new Map<unknown, string>();
      for (const key of ports) {
        const value = (o as Record<string, unknown>)[key];
        const other = seen.get(value);
        if (other) ctx.addIssue({ code: "custom", path: [key], message: `is also ${other} (${value})` });
        seen.set(value, key);
      }
    });
}

/** What every release service needs besides its options: its listen address, and the sha256 its download is checked by. */
export const releaseServiceArgsShape = {
  /** The host's private address, where it answers. */
  listenAddress: z.ipv4({ error: "must be an IPv4 address" }),
  sha256: sha256Digest,
};

/** The settings every release service has, whatever else it takes. */
export interface ReleaseServiceSettings {
  version: string;
  sha256: string;
  releaseUrl: string;
  asset?: string;
  memoryMax: string;
  hardening: boolean;
}

/** A program run as a release service: its release, its settings, how it is checked, and its configuration. */
export interface ReleaseProgram<S extends ReleaseServiceSettings> {
  release: Release;
  /** What the program is, as its unit says: Description= and Documentation=. */
  unit: { description: string; documentation: string };
  /**
   * Its configuration: the object `of` the settings, written as YAML (1.2 unless the program reads
   * 1.1) under `header`; checked by `<tool> <flag><candidate> <check>`, the flag being Grafana's
   * `-config.file=` unless given.
   */
  config: { of: (s: S) => object; header: string; yaml?: "1.1"; check: string; flag?: string };
  /** Its HTTP readiness endpoint, answering "ready". */
  readyUrl: (s: S) => string;
  /**
   * An EnvironmentFile of its unit (root 0600: systemd reads it, the program's user cannot) for
   * the secrets its configuration takes as ${env:NAME}, so the configuration, which its user
   * reads and its checker sees, holds none. Its content comes with the component
   * (ReleaseServiceComponent's `environment`).
   */
  environmentFile?: string;
}

/** Its configuration file's text. */
export function releaseServiceConfigText<S extends ReleaseServiceSettings>(p: ReleaseProgram<S>, s: S): string {
  return renderYamlFile(p.config.of(s), { header: [p.config.header], version: p.config.yaml });
}

/** The server block of Grafana's single binaries (Loki, Tempo): HTTP on the listen address, gRPC on loopback. */
export function grafanaServerConfig(s: { listenAddress: string; port: number; grpcPort: number }) {
  return {
    http_listen_address: s.listenAddress,
    http_listen_port: s.port,
    grpc_listen_address: "127.0.0.1",
    grpc_listen_port: s.grpcPort,
    log_level: "info",
  };
}

/** The download's file name: the one set, or the project's for the version. */
export function releaseAssetName(r: Release, s: { asset?: string; version: string }): string {
  return s.asset ?? r.asset(s.version);
}

/** <releaseUrl>/v<version>/<asset>, checked against sha256, under /opt/<tool>. */
export function releaseServiceInstall<S extends ReleaseServiceSettings>(p: ReleaseProgram<S>, s: S): VersionedInstallSpec {
  const { releaseUrl, version, sha256 } = s;
  return releaseInstallSpec({
    tool: p.release.tool,
    member: p.release.member,
    releaseUrl,
    version,
    sha256,
    asset: releaseAssetName(p.release, s),
  });
}

/**
 * The unit of a release's single binary: its own user, its configuration file, state in
 * /var/lib/<tool>, time to flush on a stop, and the shared hardening, unchanged.
 */
export function releaseServiceUnit<S extends ReleaseServiceSettings>(p: ReleaseProgram<S>, s: S): UnitSpec {
  const tool = p.release.tool;
  const paths = releasePaths(tool);
  return serviceUnit({
    ...p.unit,
    service: [
      ["User", paths.user],
      ["Group", paths.user],
      ...(p.environmentFile ? [["EnvironmentFile", p.environmentFile] satisfies UnitLine] : []),
      ["ExecStart", `${paths.binary} ${p.config.flag ?? "-config.file="}${paths.config}`],
      ["StateDirectory", tool],
      ["StateDirectoryMode", "0700"],
      ["WorkingDirectory", paths.stateDir],
      ["Restart", "on-failure"],
      ["RestartSec", "5"],
      // Flushes what it holds in memory on a stop; its WAL covers a kill.
      ["TimeoutStopSec", "60"],
      ["LimitNOFILE", "65536"],
      ["MemoryMax", s.memoryMax],
      ["StandardOutput", "journal"],
      ["StandardError", "journal"],
    ],
    hardening: s.hardening ? hardening() : [],
  });
}

/** Its YAML configuration, readable by its user, checked by `<tool> <flag><candidate> <check>` before it replaces the current one. */
export function releaseServiceConfig<S extends ReleaseServiceSettings>(p: ReleaseProgram<S>): CheckedFileSpec {
  const tool = p.release.tool;
  const paths = releasePaths(tool);
  return {
    path: paths.config,
    owner: "root",
    group: paths.user,
    mode: "0640",
    suffix: ".yaml",
    checkerName: `${tool} ${p.config.check.replace(/=true$/, "")}`,
    checker: `${sh(paths.binary)} ${p.config.flag ?? "-config.file="}"$candidate" ${p.config.check}`,
  };
}

/**
 * A service run from a release install, in the order a host needs it: download tools, the
 * release, its user, its checked configuration (and its environment file, when the program has
 * one), then its unit, restarted when one of them or the release changed and followed by a
 * wait until it answers "ready". The result is the installed version, known once the unit is up.
 */
function releaseService<S extends ReleaseServiceSettings>(
  name: string,
  connection: pulumi.Input<Connection>,
  program: ReleaseProgram<S>,
  s: S,
  parent: pulumi.Resource,
  environment: pulumi.Input<string> | undefined,
): pulumi.Output<string> {
  const p = releasePaths(program.release.tool);
  const opts = { parent };
  const configSpec = releaseServiceConfig(program);
  const content = releaseServiceConfigText(program, s);
  const tools = aptPackages(`${name}-tools`, { connection, packages: RELEASE_TOOLS }, opts);
  const install = versionedInstall(
    `${name}-install`,
    { connection, spec: releaseServiceInstall(program, s) },
    { ...opts, dependsOn: [tools] },
  );
  const user = systemUser(`${name}-user`, { connection, user: p.user, home: p.stateDir }, opts);
  const config = checkedFile(`${name}-config`, { connection, ...configSpec, content }, { ...opts, dependsOn: [install, user] });
  const files: { path: string; content: pulumi.Input<string>; step: pulumi.Resource }[] = [
    { path: configSpec.path, content, step: config },
  ];
  if (program.environmentFile) {
    if (environment === undefined)
      throw new Error(`${name}: ${program.release.tool} reads ${program.environmentFile}, whose content is missing`);
    const path = program.environmentFile;
    const step = remoteFile(
      `${name}-environment`,
      { connection, path, content: environment, owner: "root", group: "root", mode: "0600" },
      opts,
    );
    files.push({ path, content: environment, step });
  }
  const installed = install.result.apply((r) => r ?? "");
  const unit = systemdUnit(
    `${name}-unit`,
    {
      connection,
      name: p.unit,
      spec: releaseServiceUnit(program, s),
      reads: files.map((f) => f.path),
      restartTriggers: [...files.map((f) => digest(f.content)), installed],
      // "ready" once its ingester has joined the ring, some seconds after the start.
      healthCheck: { url: program.readyUrl(s), expect: "^ready", unit: p.unit, timeoutSeconds: 120 },
    },
    { ...opts, dependsOn: [install, user, ...files.map((f) => f.step)] },
  );
  return pulumi.all([installed, unit.id]).apply(([v]) => v);
}

/** A release service component's arguments: its options and what the stack derives, and the SSH connection to its host. */
export type ReleaseServiceArgs<Options> = Options & { connection: pulumi.Input<Connection> };

/**
 * A release service as a component: its arguments checked against its program's schema (an
 * error names the component and the field), then releaseService's steps; its output is the
 * installed version. The subclass adds the URLs it answers at, from `settings`.
 */
export abstract class ReleaseServiceComponent<S extends ReleaseServiceSettings> extends pulumi.ComponentResource {
  /** The installed version, known once the unit is up. */
  readonly version: pulumi.Output<string>;
  protected readonly settings: S;

  /**
   * `schema` makes the settings of the component's arguments (its options and what the stack
   * derives); `environment` is the content of the program's environmentFile, when it has one.
   */
  protected constructor(
    type: string,
    name: string,
    program: ReleaseProgram<S>,
    schema: z.ZodType<S>,
    args: { connection: pulumi.Input<Connection> },
    opts?: pulumi.ComponentResourceOptions,
    environment?: pulumi.Input<string>,
  ) {
    super(type, name, {}, opts);
    const { connection, ...options } = args;
    this.settings = parseOrThrow(schema, options, `${type.split(":").pop()} ${name}: `);
    this.version = releaseService(name, connection, program, this.settings, this, environment);
    this.registerOutputs({ version: this.version });
  }
}
