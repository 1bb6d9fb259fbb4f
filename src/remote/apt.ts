// Debian packages and apt repositories. A repository is a deb822 .sources file with its own
// signed-by key (no apt-key); packages install only what is missing.
import * as pulumi from "@pulumi/pulumi";
import { RemoteCommand } from "./command";
import { Connection } from "./ssh";
import { script, sh } from "./shell";
import { writeFileScript } from "./file";
import { template } from "../template";

export interface PackagesArgs {
  connection: pulumi.Input<Connection>;
  /** Package names, optionally pinned: "nodejs=22.23.3-1nodesource1". */
  packages: string[];
}

/**
 * Installs packages that are not installed yet. Destroy leaves them: packages are shared with
 * other software on the host and removing them is the operator's call.
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
        // Install only when a package is missing or not at its pinned version.
        `needed=""`,
        `for spec in ${args.packages.map(sh).join(" ")}; do`,
        `  name=\${spec%%=*}; want=\${spec#"$name"}; want=\${want#=}`,
        `  have=$(dpkg-query -W -f='\${db:Status-Abbrev}|\${Version}' "$name" 2>/dev/null || true)`,
        `  if [ "\${have%%|*}" != "ii " ] || { [ -n "$want" ] && [ "\${have#*|}" != "$want" ]; }; then needed="$needed $spec"; fi`,
        `done`,
        `if [ -z "$needed" ]; then echo "unchanged: ${names.join(" ")} installed"; exit 0; fi`,
        `apt-get update -q`,
        `apt-get install -y -q --no-install-recommends $needed`,
      ),
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

export function aptRepository(name: string, args: AptRepositoryArgs, opts?: pulumi.CustomResourceOptions): RemoteCommand {
  const keyring = `/etc/apt/keyrings/${args.name}.asc`;
  const sources = `/etc/apt/sources.list.d/${args.name}.sources`;
  return new RemoteCommand(
    name,
    {
      connection: args.connection,
      label: `apt repository ${args.name}`,
      create: script(
        `key=$(mktemp); trap 'rm -f "$key"' EXIT`,
        `curl -fsSL ${sh(args.keyUrl)} -o "$key"`,
        `got=$(gpg --show-keys --with-colons "$key" | awk -F: '$1 == "fpr" {print $10; exit}')`,
        `[ "$got" = ${sh(args.keyFingerprint)} ] || { echo "key at ${args.keyUrl} has fingerprint $got, expected ${args.keyFingerprint}" >&2; exit 1; }`,
        `install -d -m 0755 /etc/apt/keyrings`,
        `install -m 0644 "$key" ${sh(keyring)}`,
        writeFileScript(sources),
        `apt-get update -q`,
      ),
      delete: script(`rm -f ${sh(sources)} ${sh(keyring)}`, `apt-get update -q || true`),
      stdin: renderAptSources(args),
    },
    opts,
  );
}
