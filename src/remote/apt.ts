// Debian packages and apt repositories. A repository is a deb822 .sources file with its own
// signed-by key (no apt-key); packages install only what is missing.
import * as pulumi from "@pulumi/pulumi";
import { RemoteCommand } from "./command";
import { Connection } from "./ssh";
import { script, sh } from "./shell";
import { fileFacts, fileFactsScript, writeFileScript } from "./file";
import { template } from "../template";

/**
 * Resources run in parallel, but apt and dpkg take one process at a time: every apt step of
 * ours first takes this lock (held until its script ends), and waits for dpkg's own lock too.
 */
const APT_LOCK = "exec 9>/run/lock/openclaw-infra-apt && flock -w 900 9";
const APT_GET = "apt-get -o DPkg::Lock::Timeout=600";
/** Touched after each `apt-get update` of ours (under the lock). */
const UPDATED = "/run/lock/openclaw-infra-apt.updated";
/**
 * `apt-get update`, unless one of our steps ran it in the last 10 minutes and no apt source
 * changed since: a deploy installs packages from several components and needs fresh lists
 * once, not once per component.
 */
const APT_UPDATE = [
  `if [ -n "$(find ${UPDATED} -mmin -10 2>/dev/null)" ] && [ -z "$(find /etc/apt/sources.list /etc/apt/sources.list.d -newer ${UPDATED} 2>/dev/null)" ]; then`,
  `  echo "package lists fresh"`,
  `else`,
  `  ${APT_GET} update -q && touch ${UPDATED}`,
  `fi`,
].join("\n");

export interface PackagesArgs {
  connection: pulumi.Input<Connection>;
  /** Package names, optionally pinned: "nodejs=22.23.3-1nodesource1". */
  packages: string[];
}

/** Facts: each package installed (at its pinned version), or missing. */
function packageFactsScript(packages: string[]): string {
  return script(
    `for spec in ${packages.map(sh).join(" ")}; do`,
    `  name=\${spec%%=*}; want=\${spec#"$name"}; want=\${want#=}`,
    `  have=$(dpkg-query -W -f='\${db:Status-Abbrev}|\${Version}' "$name" 2>/dev/null || true)`,
    `  if [ "\${have%%|*}" != "ii " ]; then echo "$name=missing"`,
    `  elif [ -n "$want" ] && [ "\${have#*|}" != "$want" ]; then echo "$name=\${have#*|}"`,
    `  else echo "$name=installed"; fi`,
    `done`,
  );
}

/**
 * Installs packages that are not installed yet; the step's `result` is the installed version
 * of each, "name=version ...". Destroy leaves them: packages are shared with other software on
 * the host and removing them is the operator's call.
 */
export function aptPackages(name: string, args: PackagesArgs, opts?: pulumi.CustomResourceOptions): RemoteCommand {
  const names = args.packages.map((p) => p.replace(/=.*$/, ""));
  return new RemoteCommand(
    name,
    {
      connection: args.connection,
      label: `packages ${names.join(" ")}`,
      create: script(
        `export DEBIAN_FRONTEND=noninteractive`,
        // Install only what is missing or not at its pinned version (the facts, in the same order).
        `specs=(${args.packages.map(sh).join(" ")}); needed=""; i=0`,
        `while IFS= read -r fact; do`,
        `  [ "\${fact#*=}" = installed ] || needed="$needed \${specs[$i]}"; i=$((i + 1))`,
        `done < <(`,
        packageFactsScript(args.packages).trimEnd(),
        `)`,
        `if [ -z "$needed" ]; then`,
        `  echo "unchanged: ${names.join(" ")} installed"`,
        `else`,
        `  ${APT_LOCK}`,
        APT_UPDATE.split("\n")
          .map((l) => `  ${l}`)
          .join("\n"),
        `  ${APT_GET} install -y -q --no-install-recommends $needed`,
        `fi`,
        `dpkg-query -W -f='\${Package}=\${Version} ' ${names.map(sh).join(" ")}; echo`,
      ),
      check: packageFactsScript(args.packages),
      observed: names.map((n) => `${n}=installed`).join("\n"),
      captureResult: true,
    },
    opts,
  );
}

export interface AptRepositoryArgs {
  connection: pulumi.Input<Connection>;
  /** File stem under /etc/apt: sources.list.d/<name>.sources, keyrings/<name>.asc */
  name: string;
  uris: string;
  suites: string;
  components: string;
  /** URL of the ASCII-armored signing key. */
  keyUrl: string;
  /** Full fingerprint the downloaded key must have. */
  keyFingerprint: string;
}

const sourcesTemplate = template<{ uris: string; suites: string; components: string; keyring: string }>(__dirname, "apt.sources.hbs");

export function renderAptSources(args: Omit<AptRepositoryArgs, "connection" | "keyUrl" | "keyFingerprint">): string {
  return sourcesTemplate({ ...args, keyring: `/etc/apt/keyrings/${args.name}.asc` });
}

/**
 * Fetches a signing key and installs only the key with `fingerprint`, armored, at `dest`.
 * Whatever the URL serves (armored or binary, one key or several) goes through a throwaway
 * keyring, so nothing lands in root's own ~/.gnupg.
 */
export function pinnedKeyScript(url: string, fingerprint: string, dest: string): string {
  return script(
    `(`,
    `work=$(mktemp -d); trap 'rm -rf "$work"' EXIT`,
    `curl -fsSL ${sh(url)} -o "$work/key"`,
    `gpg --homedir "$work" --batch --quiet --import "$work/key"`,
    `gpg --homedir "$work" --batch --armor --export ${sh(fingerprint)} > "$work/pinned"`,
    `[ -s "$work/pinned" ] || { echo "no key with fingerprint ${fingerprint} at ${url}" >&2; exit 1; }`,
    `install -d -m 0755 ${sh(dest.replace(/\/[^/]+$/, ""))}`,
    `install -m 0644 "$work/pinned" ${sh(dest)}`,
    `)`,
  );
}

export function aptRepository(name: string, args: AptRepositoryArgs, opts?: pulumi.CustomResourceOptions): RemoteCommand {
  const keyring = `/etc/apt/keyrings/${args.name}.asc`;
  const sources = `/etc/apt/sources.list.d/${args.name}.sources`;
  return new RemoteCommand(
    name,
    {
      connection: args.connection,
      label: `apt repository ${args.name}`,
      create: script(
        pinnedKeyScript(args.keyUrl, args.keyFingerprint, keyring),
        writeFileScript(sources),
        APT_LOCK,
        `${APT_GET} update -q && touch ${UPDATED}`,
      ),
      delete: script(`rm -f ${sh(sources)} ${sh(keyring)}`, APT_LOCK, `${APT_GET} update -q || true`),
      stdin: renderAptSources(args),
      check: script(fileFactsScript(sources), `if [ -s ${sh(keyring)} ]; then echo keyring=present; else echo keyring=missing; fi`),
      observed: `${fileFacts()}\nkeyring=present`,
    },
    opts,
  );
}

export interface AptInstallArgs {
  connection: pulumi.Input<Connection>;
  /** A vendor repository the packages come from; absent: the distribution's own. */
  repository?: Omit<AptRepositoryArgs, "connection">;
  packages: string[];
}

/**
 * Packages, from a vendor repository when one is given (its prerequisites, then the pinned
 * repository, then the packages). The returned step is the last one; its `result` reports the
 * installed versions ("name=version ...").
 */
export function aptInstall(name: string, args: AptInstallArgs, opts: pulumi.CustomResourceOptions = {}): RemoteCommand {
  if (!args.repository) return aptPackages(`${name}-packages`, { connection: args.connection, packages: args.packages }, opts);
  const base = aptPackages(`${name}-base`, { connection: args.connection, packages: ["ca-certificates", "curl", "gnupg"] }, opts);
  const repo = aptRepository(`${name}-repo`, { connection: args.connection, ...args.repository }, { ...opts, dependsOn: [base] });
  return aptPackages(`${name}-packages`, { connection: args.connection, packages: args.packages }, { ...opts, dependsOn: [repo] });
}

/** The version of `pkg` in an aptPackages result ("name=version ..."), or "" when absent. */
export function installedVersion(result: string | undefined, pkg: string): string {
  const entry = (result ?? "").split(" ").find((e) => e.startsWith(`${pkg}=`));
  return entry ? entry.slice(pkg.length + 1) : "";
}
