// A versioned install: each release in its own prefix <root>/<version>, fetched into a partial
// directory and renamed into place only once complete, then `current` switched to it
// atomically. The release `current` pointed to before becomes `previous` and is kept for a
// rollback; older ones go. An interrupted install leaves the partial directory (removed by the
// next run) and `current` where it was, so whatever runs the previous release keeps running.
// Links (e.g. /usr/local/bin/node) point through `current`. Delete removes every release this
// operation installed, its links, and the root when empty.
// With `activate` (deploy-rs style): once `current` switched, the release is put to work and
// checked (a restart and a health wait). When that fails, `current` and `previous` go back to
// what they were, the release that ran before is started again, and the step fails naming both
// versions: the engine keeps the old version in its state, so the next `up` tries again. The
// failed release stays on disk for that try; nothing is pruned by a failed step.
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
  /** Put the release to work once `current` switched to it, and roll back when that fails. */
  activate?: Activation;
}

/** How a release that just became `current` is put to work and checked. */
export interface Activation {
  /**
   * Shell that (re)starts what runs the release `current` points to and fails unless it is
   * healthy, e.g. systemd.ts restartIfEnabledScript. Run by a `bash -euo pipefail` of its own,
   * only by a step that switched `current`; its stderr ends up in the step's error.
   */
  script: string;
  /**
   * Shell that starts the release that ran before again once `current` is back on it, e.g. the
   * restart without the new release's state migration (the old release ran on this state);
   * default: `script`.
   */
  rollback?: string;
  /** What a healthy release answers, for messages: "/health". */
  answers: string;
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

/** The prefix of whichever release is current: what a service that follows upgrades runs. */
export function currentPrefix(root: string): string {
  return `${root}/current`;
}

/** Points <root>/<name> at the release named by the shell word `target`, atomically (rename over it). */
const relink = (name: "current" | "previous", target: string) =>
  `ln -sfn ${target} "$root/.${name}.new" && mv -T "$root/.${name}.new" "$root/${name}"`;

/** Ends the activate and rollback scripts, quoted literally in here-documents. */
const HEREDOC = "ACTIVATE";

/** Lines of the error a failed activation leaves, at most: the SSH runner shows the last 30. */
const TAIL = 28;

/**
 * After the switch: activate the release; when that fails, put `current` and `previous` back
 * as they were ($was, $had), activate that release again, and fail with one line naming both
 * versions, then the tail of the failed activation's output. Runs only when this step switched
 * `current`, so it never swaps back twice, and it ends before the pruning, so the failed
 * release stays on disk for the next try. Without a release to go back to, it just fails.
 */
function activationScript(s: VersionedInstallSpec, a: Activation): string[] {
  const failed = `${s.tool} ${s.version} failed its health check`;
  const quoted = (name: string, text: string) => {
    const body = text.trimEnd().split("\n");
    if (body.includes(HEREDOC)) throw new Error(`${s.tool}: the ${name} script must not hold a line '${HEREDOC}'`);
    return [`  ${name}=$(cat <<'${HEREDOC}'`, ...body, HEREDOC, `  )`];
  };
  return [
    `if [ "$was" != "$version" ]; then`,
    ...quoted("activate", a.script),
    ...(a.rollback ? quoted("rollback", a.rollback) : [`  rollback=$activate`]),
    `  failed=$(mktemp); trap 'rm -f "$failed" "$failed.back"' EXIT`,
    `  if ! bash -euo pipefail -c "$activate" 2>"$failed"; then`,
    `    if [ -z "$was" ] || [ ! -x "$root/$was/"${sh(s.binary)} ]; then`,
    `      echo ${sh(`${failed}; there is no earlier release to roll back to`)} >&2`,
    `      tail -n ${TAIL} "$failed" >&2`,
    `      exit 1`,
    `    fi`,
    `    ${relink("current", '"$was"')}`,
    `    if [ -n "$had" ]; then ${relink("previous", '"$had"')}; else rm -f "$root/previous"; fi`,
    `    echo "current ${s.tool}: $was again (${s.version} failed its health check)"`,
    `    if bash -euo pipefail -c "$rollback" 2>"$failed.back"; then`,
    `      echo ${sh(`${failed}; rolled back to `)}"$was"${sh(`, which answers ${a.answers}`)} >&2`,
    `      tail -n ${TAIL} "$failed" >&2`,
    `    else`,
    `      echo ${sh(`${failed}; rolled back to `)}"$was"${sh(`, which does not answer ${a.answers} either`)} >&2`,
    `      echo ${sh(`${s.version}:`)} >&2; tail -n ${TAIL / 2 - 1} "$failed" >&2`,
    `      echo "$was:" >&2; tail -n ${TAIL / 2 - 1} "$failed.back" >&2`,
    `    fi`,
    `    exit 1`,
    `  fi`,
    `fi`,
  ];
}

/** The release into its own prefix, unless it is there already; nothing else changes. */
function fetchLines(s: VersionedInstallSpec): string[] {
  return [
    `root=${sh(s.root)}; version=${sh(s.version)}; prefix=${sh(releasePrefix(s.root, s.version))}`,
    `if [ -f "$prefix/${MARK}" ] && [ -x "$prefix/"${sh(s.binary)} ]; then`,
    `  echo ${sh(`${s.tool} ${s.version} already installed`)}`,
    `else`,
    `  install -d -m 0755 "$root"`,
    `  partial="$root/.partial-$version"`,
    `  rm -rf "$partial" && install -d -m 0755 "$partial"`,
    `  (`,
    `    work=$(mktemp -d); trap 'rm -rf "$work"' EXIT`,
    ...s.fetch
      .trimEnd()
      .split("\n")
      .map((l) => `    ${l}`),
    `  )`,
    `  [ -x "$partial/"${sh(s.binary)} ] || { echo ${sh(`${s.tool} ${s.version}: ${s.binary} is missing from the release`)} >&2; exit 1; }`,
    `  touch "$partial/${MARK}"`,
    `  rm -rf "$prefix" && mv "$partial" "$prefix"`,
    `  echo "installed ${s.tool} ${s.version} in $prefix"`,
    `fi`,
  ];
}

/** The fetch step's script: the release in its prefix, `current` and the links as they were. */
export function fetchScript(s: VersionedInstallSpec): string {
  return script(...fetchLines(s));
}

export function installScript(s: VersionedInstallSpec): string {
  const links = Object.entries(s.links ?? {});
  return script(
    ...fetchLines(s),
    `was=$(readlink "$root/current" 2>/dev/null || true)`,
    s.activate && `had=$(readlink "$root/previous" 2>/dev/null || true)`,
    `if [ "$was" != "$version" ]; then`,
    `  if [ -n "$was" ]; then ${relink("previous", '"$was"')}; fi`,
    `  ${relink("current", '"$version"')}`,
    `  echo "current ${s.tool}: $version (previous: \${was:-none})"`,
    `fi`,
    ...links.map(([link, target]) => `ln -sfn ${sh(`${currentPrefix(s.root)}/${target}`)} ${sh(link)}`),
    ...(s.activate ? activationScript(s, s.activate) : []),
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

/** Prints installed=yes when the release is complete in its prefix. */
function installedFact(s: VersionedInstallSpec): string {
  const prefix = releasePrefix(s.root, s.version);
  return `if [ -f ${sh(`${prefix}/${MARK}`)} ] && [ -x ${sh(`${prefix}/${s.binary}`)} ]; then echo installed=yes; else echo installed=no; fi`;
}

/** Facts: this release installed and current, every link in place. */
export function installFactsScript(s: VersionedInstallSpec): string {
  const links = Object.entries(s.links ?? {});
  return script(
    installedFact(s),
    `if [ "$(readlink ${sh(`${s.root}/current`)})" = ${sh(s.version)} ]; then echo current=yes; else echo current=no; fi`,
    `links=ok`,
    ...links.map(([link, target]) => `[ "$(readlink ${sh(link)})" = ${sh(`${s.root}/current/${target}`)} ] || links=missing`),
    `echo "links=$links"`,
  );
}

export const INSTALL_FACTS = "installed=yes\ncurrent=yes\nlinks=ok";

/**
 * The release fetched into its prefix and nothing else (`current` stays): what runs the new
 * release's own checks on its configuration before it is switched to. The install step then
 * finds it in place; it is that step's delete that removes releases.
 */
export function versionedFetch(name: string, args: VersionedInstallArgs, opts?: pulumi.CustomResourceOptions): RemoteCommand {
  const spec = pulumi.output(args.spec);
  return new RemoteCommand(
    name,
    {
      connection: args.connection,
      label: spec.apply((s) => `fetch ${s.tool} ${s.version}`),
      create: spec.apply(fetchScript),
      check: spec.apply((s) => script(installedFact(s))),
      observed: "installed=yes",
    },
    opts,
  );
}

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
