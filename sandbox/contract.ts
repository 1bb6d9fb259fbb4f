// The sandbox as TypeScript sees it: hosts.json (what `sandbox up`/`reset` wrote through
// sandbox/publish.ts: addresses, pinned host keys, the client key, the mirrors' URLs, the promtail,
// Loki, Tempo and collector releases) and versions.env (every version and the host list, also
// sourced by sandbox/sandbox). The sandbox stacks, the quickstart's summary, the test harness and
// the bench all read them through here, and the writer checks what it writes with the same schema.
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { hostName, topologyHostSchema } from "../src/topology";
import { parseOrThrow } from "../src/validate";

export const HOSTS_JSON = "/var/lib/openclaw-infra/sandbox/hosts.json";
export const VERSIONS_ENV = path.join(__dirname, "versions.env");

const httpUrl = z.url({ protocol: /^https?$/ });
const version = z.string().regex(/^\d+\.\d+\.\d+$/, "must be a version like 1.2.3");

/** A release on the static mirror: <releaseUrl>/v<version>/<asset>, checked by sha256. */
export const mirroredReleaseSchema = z
  .object({ releaseUrl: httpUrl, version, asset: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) })
  .strict();

/** hosts.json, as writeContract writes it. */
export const contractSchema = z
  .object({
    bridge: z.ipv4(),
    sshUser: z.string().min(1),
    privateKeyPath: z.string().min(1),
    aptProxy: httpUrl,
    npmRegistry: httpUrl,
    nodeDistUrl: httpUrl,
    /** The releases on the static mirror, built by toolchain/build.sh. */
    promtail: mirroredReleaseSchema,
    loki: mirroredReleaseSchema,
    tempo: mirroredReleaseSchema,
    "otelcol-contrib": mirroredReleaseSchema,
    hosts: z.record(hostName, z.object({ address: z.ipv4(), hostKey: topologyHostSchema.shape.hostKey }).strict()),
  })
  .strict();

export type SandboxContract = z.output<typeof contractSchema>;
export type MirroredRelease = z.output<typeof mirroredReleaseSchema>;

/** Writes hosts.json whole (a reader never sees half of it), refusing a contract its readers would refuse. */
export function writeContract(file: string, contract: unknown): SandboxContract {
  const checked = parseOrThrow(contractSchema, contract, `${file}: `);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(checked, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
  return checked;
}

/** versions.env: NAME=value lines, read into named versions and the host list. */
export const versionsSchema = z
  .object({
    NODE_VERSION: version,
    NODE_HOST_VERSION: version,
    NPM_VERSION: version,
    COREPACK_VERSION: version,
    VERDACCIO_VERSION: version,
    PROMTAIL_VERSION: version,
    LOKI_VERSION: version,
    TEMPO_VERSION: version,
    OTELCOL_VERSION: version,
    OPENCLAW_VERSION: version,
    SANDBOX_HOSTS: z.string().regex(/^[a-z][a-z0-9-]*=[\d.]+(,[a-z][a-z0-9-]*=[\d.]+)*$/, "must be NAME=ADDRESS,NAME=ADDRESS"),
  })
  .strict()
  .transform((v) => ({
    node: v.NODE_VERSION,
    /** The Node the sandbox's gateway runs (node.version): the release's engines decide it. */
    nodeHost: v.NODE_HOST_VERSION,
    npm: v.NPM_VERSION,
    corepack: v.COREPACK_VERSION,
    verdaccio: v.VERDACCIO_VERSION,
    promtail: v.PROMTAIL_VERSION,
    loki: v.LOKI_VERSION,
    tempo: v.TEMPO_VERSION,
    otelcol: v.OTELCOL_VERSION,
    openclaw: v.OPENCLAW_VERSION,
    /** Host name -> address on the bridge, in the order written. */
    hosts: Object.fromEntries(v.SANDBOX_HOSTS.split(",").map((pair) => pair.split("=") as [string, string])),
  }));

export type SandboxVersions = z.output<typeof versionsSchema>;

/** Everything a sandbox stack is made from. */
export interface Sandbox {
  contract: SandboxContract;
  versions: SandboxVersions;
}

export function parseVersions(text: string, where = VERSIONS_ENV): SandboxVersions {
  const raw = Object.fromEntries(
    text
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#"))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  return parseOrThrow(versionsSchema, raw, `${where}: `);
}

export function readVersions(): SandboxVersions {
  return parseVersions(fs.readFileSync(VERSIONS_ENV, "utf8"));
}

/** The sandbox as it is up now; a sandbox that is down, or was made from other hosts, says what to run. */
export function readSandbox(file = HOSTS_JSON): Sandbox {
  if (!fs.existsSync(file)) throw new Error(`the sandbox is not up (${file} missing): run \`npm run sandbox -- up\` first`);
  const contract = parseOrThrow(contractSchema, JSON.parse(fs.readFileSync(file, "utf8")), `${file}: `);
  const versions = readVersions();
  const up = Object.entries(contract.hosts).map(([name, h]) => `${name}=${h.address}`);
  const declared = Object.entries(versions.hosts).map(([name, address]) => `${name}=${address}`);
  if (up.join(",") !== declared.join(",")) {
    throw new Error(`${file} has hosts ${up.join(",")} but ${VERSIONS_ENV} declares ${declared.join(",")}: run \`npm run sandbox -- up\``);
  }
  return { contract, versions };
}
