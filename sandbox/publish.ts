// What the sandbox's static mirror serves, and the contract file that describes the sandbox:
// sandbox/sandbox runs this beside its plumbing (bridge, services, hosts).
//
//   publish.ts node-dist --mirror DIR --cache DIR --node-home DIR
//       the Node.js dist (node-dist.ts), and an unpacked copy of it at the node home
//   publish.ts releases --mirror DIR --toolchain DIR
//       pack each binary toolchain/build.sh built as its release download, beside the publisher's
//       checksum list under its name (Grafana's SHA256SUMS, the collector's checksums.txt)
//   publish.ts contract --out FILE --mirror DIR --mirror-url URL --bridge ADDR --key FILE
//                       --host-keys DIR --apt-proxy URL --npm-registry URL
//       write hosts.json (fails when a release is not published)
//
// The downloads are named and laid out as the components name them when they install a release
// (components/*/schema.ts, src/remote/release.ts), so what the sandbox serves is what they fetch.
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { LOKI_RELEASE } from "../components/loki/schema";
import { OTELCOL_RELEASE } from "../components/otel-collector/schema";
import { agentRelease } from "../components/promtail-journal/render";
import { TEMPO_RELEASE } from "../components/tempo/schema";
import { listedSha256 } from "../src/releases";
import { Release, releaseAssetPath, releaseMember } from "../src/remote/release";
import { MirroredRelease, readVersions, SandboxVersions, writeContract } from "./contract";
import { publishNodeDist } from "./node-dist";

/** One release on the mirror: <mirror>/<tool>/v<version>/<asset>. */
export interface SandboxRelease {
  release: Release;
  version: string;
  asset: string;
}

/** The releases the mirror serves, at the versions versions.env gives. */
export function sandboxReleases(v: SandboxVersions): SandboxRelease[] {
  const promtail = agentRelease("promtail");
  const promtailZip = promtail.asset(v.promtail);
  return [
    // The log agent's download is the binary itself, under the name its zip holds it by: the
    // sandbox exercises that layout of a release install too.
    { release: promtail, version: v.promtail, asset: releaseMember(promtail, promtailZip) ?? promtailZip },
    { release: LOKI_RELEASE, version: v.loki, asset: LOKI_RELEASE.asset(v.loki) },
    { release: TEMPO_RELEASE, version: v.tempo, asset: TEMPO_RELEASE.asset(v.tempo) },
    { release: OTELCOL_RELEASE, version: v.otelcol, asset: OTELCOL_RELEASE.asset(v.otelcol) },
  ];
}

const log = (message: string) => process.stderr.write(`sandbox: ${message}\n`);
const sha256 = (file: string) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** The directory of a release on the mirror, the one its checksum list lists its download in. */
function releaseDir(mirror: string, r: SandboxRelease): string {
  return path.join(mirror, r.release.tool, path.dirname(releaseAssetPath(r)));
}

/** Size and mtime of the binary a release was packed from: the same build is not packed again. */
function buildStamp(binary: string): string {
  const st = fs.statSync(binary);
  return `${st.size} ${Math.floor(st.mtimeMs / 1000)}`;
}

/** The binary says it is this release (`<tool> --version`: "... version [v]<version> ..."). */
function checkVersion(binary: string, r: SandboxRelease): void {
  let said: string;
  try {
    said = execFileSync(binary, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    said = String((e as { stdout?: string }).stdout ?? e);
  }
  const first = `${said.split("\n")[0]} `;
  if (!first.includes(` version v${r.version} `) && !first.includes(` version ${r.version} `)) {
    throw new Error(`${binary} is not ${r.release.tool} ${r.version} (it says: ${first.trim()}): run toolchain/build.sh`);
  }
}

/** Packs `binary` as the release's download in `dir`: a .zip or .tar.gz holding it where installs unpack it, or the binary itself. */
function pack(binary: string, r: SandboxRelease, dir: string): void {
  const member = releaseMember(r.release, r.asset);
  if (!member) {
    fs.copyFileSync(binary, path.join(dir, r.asset));
  } else {
    fs.mkdirSync(path.join(dir, path.dirname(member)), { recursive: true });
    fs.copyFileSync(binary, path.join(dir, member));
    if (r.asset.endsWith(".zip")) execFileSync("zip", ["-q", "-X", r.asset, member], { cwd: dir });
    else execFileSync("tar", ["-czf", r.asset, member], { cwd: dir });
  }
  fs.chmodSync(path.join(dir, r.asset), 0o755);
}

/** Publishes one release from toolchain/build.sh's binary `<toolchain>/<tool>`, unless this very build is published already. */
export function publishRelease(mirror: string, toolchain: string, r: SandboxRelease): void {
  const started = Date.now();
  const binary = path.join(toolchain, r.release.tool);
  if (!fs.existsSync(binary)) {
    throw new Error(`no ${r.release.tool} binary at ${binary}: run toolchain/build.sh first (scripts/setup.sh runs it before sandbox up)`);
  }
  const dir = releaseDir(mirror, r);
  const stampFile = path.join(dir, ".built-from");
  const cached = [path.join(dir, r.release.checksums), path.join(dir, r.asset), stampFile].every((f) => fs.existsSync(f));
  const took = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  if (cached && fs.readFileSync(stampFile, "utf8").trim() === buildStamp(binary)) {
    log(`${r.release.tool} v${r.version} release cached (${took()})`);
    return;
  }
  checkVersion(binary, r);
  fs.mkdirSync(dir, { recursive: true });
  const work = fs.mkdtempSync(path.join(dir, ".publish."));
  try {
    pack(binary, r, work);
    const sum = sha256(path.join(work, r.asset));
    fs.renameSync(path.join(work, r.asset), path.join(dir, r.asset));
    fs.writeFileSync(path.join(work, r.release.checksums), `${sum}  ${r.asset}\n`);
    fs.renameSync(path.join(work, r.release.checksums), path.join(dir, r.release.checksums));
    fs.writeFileSync(stampFile, `${buildStamp(binary)}\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  log(`${r.release.tool} v${r.version} published in ${dir} (${took()})`);
}

/** A published release as hosts.json lists it: its base URL on the mirror and its download's sha256 from its checksum list. */
export function mirroredRelease(mirror: string, mirrorUrl: string, r: SandboxRelease): MirroredRelease {
  const sums = path.join(releaseDir(mirror, r), r.release.checksums);
  const sha256 = fs.existsSync(sums) ? listedSha256(fs.readFileSync(sums, "utf8"), r.asset) : undefined;
  if (!sha256) throw new Error(`${r.release.tool} release not published (${sums} does not list ${r.asset}): run \`npm run sandbox -- up\``);
  return { releaseUrl: `${mirrorUrl.replace(/\/+$/, "")}/${r.release.tool}`, version: r.version, asset: r.asset, sha256 };
}

export interface ContractSources {
  mirror: string;
  mirrorUrl: string;
  bridge: string;
  /** The client key the stacks log in with. */
  privateKeyPath: string;
  /** <hostKeys>/<host>/ssh_host_ed25519_key.pub: the host keys sandbox/sandbox made and injected. */
  hostKeys: string;
  aptProxy: string;
  npmRegistry: string;
}

/**
 * hosts.json's content: the hosts of versions.env with their pinned keys, the mirrors, the
 * published releases under their tools' names. Unchecked: writeContract checks it against the
 * schema its readers use.
 */
export function sandboxContract(s: ContractSources, versions = readVersions()): Record<string, unknown> {
  const releases = Object.fromEntries(sandboxReleases(versions).map((r) => [r.release.tool, mirroredRelease(s.mirror, s.mirrorUrl, r)]));
  const hostKey = (host: string) =>
    fs
      .readFileSync(path.join(s.hostKeys, host, "ssh_host_ed25519_key.pub"), "utf8")
      .split(" ")
      .slice(0, 2)
      .join(" ");
  return {
    bridge: s.bridge,
    sshUser: "root",
    privateKeyPath: s.privateKeyPath,
    aptProxy: s.aptProxy,
    npmRegistry: s.npmRegistry,
    nodeDistUrl: s.mirrorUrl,
    ...releases,
    hosts: Object.fromEntries(Object.entries(versions.hosts).map(([host, address]) => [host, { address, hostKey: hostKey(host) }])),
  };
}

function main(argv: string[]): void {
  const [command, ...rest] = argv;
  const flag = { type: "string" } as const;
  const { values } = parseArgs({
    args: rest,
    options: {
      mirror: flag,
      cache: flag,
      "node-home": flag,
      toolchain: flag,
      out: flag,
      "mirror-url": flag,
      bridge: flag,
      key: flag,
      "host-keys": flag,
      "apt-proxy": flag,
      "npm-registry": flag,
    },
  });
  const need = (name: keyof typeof values): string => {
    const value = values[name];
    if (!value) throw new Error(`publish.ts ${command}: --${name} is required`);
    return value;
  };
  if (command === "node-dist") {
    publishNodeDist(need("mirror"), need("cache"), need("node-home"), readVersions(), log);
  } else if (command === "releases") {
    for (const r of sandboxReleases(readVersions())) publishRelease(need("mirror"), need("toolchain"), r);
  } else if (command === "contract") {
    const contract = sandboxContract({
      mirror: need("mirror"),
      mirrorUrl: need("mirror-url"),
      bridge: need("bridge"),
      privateKeyPath: need("key"),
      hostKeys: need("host-keys"),
      aptProxy: need("apt-proxy"),
      npmRegistry: need("npm-registry"),
    });
    writeContract(need("out"), contract);
  } else {
    throw new Error(`usage: publish.ts node-dist|releases|contract --flag value...`);
  }
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`sandbox: error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
