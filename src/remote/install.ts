// A versioned install: each release in its own prefix <root>/<version>, fetched into a partial
// directory and renamed into place only once complete, then `current` switched to it
// atomically. The release `current` pointed to before becomes `previous` and is kept for a
// rollback; older ones go. An interrupted install leaves the partial directory (removed by the
// next run) and `current` where it was, so whatever runs the previous release keeps running.
// Links (e.g. /usr/local/bin/node) point through `current`. Delete removes every release this
// operation installed, its links, and the root when empty.
import * as pulumi from "@pulumi/pulumi";
import { RemoteCommand } from "./command";
import { Connection } from "./ssh";
import { script, sh } from "./shell";

export interface VersionedInstallSpec {
  /** What is installed, for messages: "node", "openclaw", "promtail". */
  tool: string;
  version: string;
  /** Holds every release: <root>/<version>, <root>/current, <root>/previous. */
  root: string;
  /**
   * Shell that fills the empty directory "$partial" with the release, checking what it
   * downloads (sha256) and failing otherwise. Runs in a subshell with a scratch dir "$work".
   */
  fetch: string;
  /** Path inside the prefix that must be executable for the release to count as installed. */
  binary: string;
  /** Links to place: link path -> path inside the release, reached through <root>/current. */
  links?: Record<string, string>;
  /** Shell printing the installed version as the last line; default: the version itself. */
  report?: string;
}

export interface VersionedInstallArgs {
  connection: pulumi.Input<Connection>;
  spec: pulumi.Input<VersionedInstallSpec>;
}

const MARK = ".openclaw-infra";

/** Prefix of a release. */
export function releasePrefix(root: string, version: string): string {
  return `${root}/${version}`;
}

export function installScript(s: VersionedInstallSpec): string {
  const prefix = releasePrefix(s.root, s.version);
  const links = Object.entries(s.links ?? {});
  return script(
    `root=${sh(s.root)}; version=${sh(s.version)}; prefix=${sh(prefix)}`,
    `if [ -f "$prefix/${MARK}" ] && [ -x "$prefix/"${sh(s.binary)} ]; then`,
    `  echo ${sh(`${s.tool} ${s.version} already installed`)}`,
    `else`,
    `  install -d -m 0755 "$root"`,
    `  partial="$root/.partial-$version"`,
    `  rm -rf "$partial" && install -d -m 0755 "$partial"`,
    `  (`,
    `    work=$(mktemp -d); trap 'rm -rf "$work"' EXIT`,
    ...s.fetch.trimEnd().split("\n").map((l) => `    ${l}`),
    `  )`,
    `  [ -x "$partial/"${sh(s.binary)} ] || { echo ${sh(`${s.tool} ${s.version}: ${s.binary} is missing from the release`)} >&2; exit 1; }`,
    `  touch "$partial/${MARK}"`,
    `  rm -rf "$prefix" && mv "$partial" "$prefix"`,
    `  echo "installed ${s.tool} ${s.version} in $prefix"`,
    `fi`,
    `was=$(readlink "$root/current" 2>/dev/null || true)`,
    `if [ "$was" != "$version" ]; then`,
    `  if [ -n "$was" ]; then ln -sfn "$was" "$root/.previous.new" && mv -T "$root/.previous.new" "$root/previous"; fi`,
    `  ln -sfn "$version" "$root/.current.new" && mv -T "$root/.current.new" "$root/current"`,
    `  echo "current ${s.tool}: $version (previous: \${was:-none})"`,
    `fi`,
    ...links.map(([link, target]) => `ln -sfn ${sh(`${s.root}/current/${target}`)} ${sh(link)}`),
    // Releases other than current and previous go, with partial leftovers of interrupted runs.
    `keep=$(readlink "$root/previous" 2>/dev/null || true)`,
    `for old in "$root"/* "$root"/.partial-*; do`,
    `  [ -e "$old" ] && [ ! -L "$old" ] || continue`,
    `  case "\${old##*/}" in "$version"|"$keep") continue ;; esac`,
    `  if [ -f "$old/${MARK}" ] || [[ "\${old##*/}" == .partial-* ]]; then rm -rf "$old"; echo "removed $old"; fi`,
    `done`,
    s.report ?? `echo ${sh(s.version)}`,
  );
}

export function uninstallScript(s: VersionedInstallSpec): string {
  const links = Object.entries(s.links ?? {});
  return script(
    `root=${sh(s.root)}`,
    ...links.map(([link, target]) => `if [ "$(readlink ${sh(link)})" = ${sh(`${s.root}/current/${target}`)} ]; then rm -f ${sh(link)}; fi`),
    `rm -f "$root/current" "$root/previous"`,
    `for old in "$root"/* "$root"/.partial-*; do`,
    `  if [ -f "$old/${MARK}" ] || [[ "\${old##*/}" == .partial-* ]]; then rm -rf "$old"; echo "removed $old"; fi`,
    `done`,
    `rmdir --ignore-fail-on-non-empty "$root" 2>/dev/null || true`,
  );
}

/** Facts: this release installed and current, every link in place. */
export function installFactsScript(s: VersionedInstallSpec): string {
  const prefix = releasePrefix(s.root, s.version);
  const links = Object.entries(s.links ?? {});
  return script(
    `if [ -f ${sh(`${prefix}/${MARK}`)} ] && [ -x ${sh(`${prefix}/${s.binary}`)} ]; then echo installed=yes; else echo installed=no; fi`,
    `if [ "$(readlink ${sh(`${s.root}/current`)})" = ${sh(s.version)} ]; then echo current=yes; else echo current=no; fi`,
    `links=ok`,
    ...links.map(([link, target]) => `[ "$(readlink ${sh(link)})" = ${sh(`${s.root}/current/${target}`)} ] || links=missing`),
    `echo "links=$links"`,
  );
}

export const INSTALL_FACTS = "installed=yes\ncurrent=yes\nlinks=ok";

/** The step's `result` is the installed version (the report's last line). */
export function versionedInstall(name: string, args: VersionedInstallArgs, opts?: pulumi.CustomResourceOptions): RemoteCommand {
  const spec = pulumi.output(args.spec);
  return new RemoteCommand(
    name,
    {
      connection: args.connection,
      label: spec.apply((s) => `install ${s.tool} ${s.version}`),
      create: spec.apply(installScript),
      delete: spec.apply(uninstallScript),
      check: spec.apply(installFactsScript),
      observed: INSTALL_FACTS,
      captureResult: true,
    },
    opts,
  );
}
