// sandbox/publish.ts against a temporary mirror: small fake release binaries (shell scripts that
// answer --version like the real ones) packed as the components download them, and the
// hosts.json it writes from them, read back by the contract's reader; and the Node.js dist's index.
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOKI } from "../../components/loki/render";
import { lokiArgsSchema } from "../../components/loki/schema";
import { OTEL_COLLECTOR } from "../../components/otel-collector/render";
import { otelCollectorArgsSchema } from "../../components/otel-collector/schema";
import { archiveInstallSpec } from "../../components/promtail-journal/render";
import { promtailArgsSchema } from "../../components/promtail-journal/schema";
import { TEMPO } from "../../components/tempo/render";
import { tempoArgsSchema } from "../../components/tempo/schema";
import { readSandbox, readVersions, SandboxContract, writeContract } from "../../sandbox/contract";
import { writeNodeIndex } from "../../sandbox/node-dist";
import { ContractSources, publishRelease, sandboxContract, sandboxReleases } from "../../sandbox/publish";
import { releaseAssetUrl, releaseServiceInstall } from "../../src/remote/release";
import { sh } from "../../src/remote/shell";
import { HOST_KEY_1, HOST_KEY_2, SANDBOX_CONTRACT } from "../fixtures/config";

const MIRROR_URL = "http://10.231.0.1:8081";
const versions = readVersions();
let root: string;
let sources: ContractSources;
let toolchain: string;

/** A fake build of `tool` answering `--version` as Grafana's and the collector's binaries do, built at `built`. */
function fakeBinary(tool: string, version: string, built = new Date("2026-01-01T00:00:00Z")): void {
  const binary = path.join(toolchain, tool);
  fs.writeFileSync(binary, `#!/bin/sh\necho "${tool}, version ${version} (branch: HEAD, revision: test)"\n`, { mode: 0o755 });
  fs.utimesSync(binary, built, built);
}

function publishAll(): void {
  for (const r of sandboxReleases(versions)) publishRelease(sources.mirror, toolchain, r);
}

/** Every file under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** The file a release URL names on the mirror. */
const onMirror = (url: string) => path.join(sources.mirror, new URL(url).pathname);
const sha256 = (file: string) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "publish-"));
  toolchain = path.join(root, "bin");
  fs.mkdirSync(toolchain);
  sources = {
    mirror: path.join(root, "mirror"),
    mirrorUrl: MIRROR_URL,
    bridge: "10.231.0.1",
    privateKeyPath: path.join(root, "id_ed25519"),
    hostKeys: path.join(root, "keys"),
    aptProxy: "http://10.231.0.1:3142",
    npmRegistry: "http://10.231.0.1:4873/",
  };
  for (const [host, key] of [
    ["vps1", HOST_KEY_1],
    ["vps2", HOST_KEY_2],
  ]) {
    fs.mkdirSync(path.join(sources.hostKeys, host), { recursive: true });
    fs.writeFileSync(path.join(sources.hostKeys, host, "ssh_host_ed25519_key.pub"), `${key} root@${host}\n`);
  }
  fakeBinary("promtail", versions.promtail);
  fakeBinary("loki", versions.loki);
  fakeBinary("tempo", versions.tempo);
  fakeBinary("otelcol-contrib", versions.otelcol);
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("sandbox/publish.ts", () => {
  let contract: SandboxContract;
  const hostsJson = () => path.join(root, "hosts.json");

  it("says which release is not published yet when asked for the contract", () => {
    expect(() => sandboxContract(sources, versions)).toThrow(
      /^promtail release not published \(.*\/promtail\/v3\.6\.4\/SHA256SUMS does not list promtail-linux-amd64\)/,
    );
  });

  it("lays the releases out as GitHub does: <tool>/v<version>/<asset> beside the publisher's checksum list", () => {
    publishAll();
    const dirs = { promtail: versions.promtail, loki: versions.loki, tempo: versions.tempo, "otelcol-contrib": versions.otelcol };
    const assets = {
      promtail: "promtail-linux-amd64",
      loki: "loki-linux-amd64.zip",
      tempo: `tempo_${versions.tempo}_linux_amd64.tar.gz`,
      "otelcol-contrib": `otelcol-contrib_${versions.otelcol}_linux_amd64.tar.gz`,
    };
    const sums = {
      promtail: "SHA256SUMS",
      loki: "SHA256SUMS",
      tempo: "SHA256SUMS",
      "otelcol-contrib": "opentelemetry-collector-releases_otelcol-contrib_checksums.txt",
    };
    expect(tree(sources.mirror)).toEqual(
      Object.entries(dirs)
        .flatMap(([tool, v]) =>
          [".built-from", sums[tool as keyof typeof sums], assets[tool as keyof typeof assets]].map((f) => `${tool}/v${v}/${f}`),
        )
        .sort(),
    );
    expect(fs.readFileSync(path.join(sources.mirror, `loki/v${versions.loki}/SHA256SUMS`), "utf8")).toMatch(
      /^[0-9a-f]{64} {2}loki-linux-amd64\.zip\n$/,
    );
  });

  it("writes hosts.json that the contract's reader takes, naming every published download by its sha256", () => {
    contract = writeContract(hostsJson(), sandboxContract(sources, versions));
    expect(readSandbox(hostsJson()).contract).toEqual(contract);
    expect(contract.hosts).toEqual({
      vps1: { address: "10.231.0.11", hostKey: HOST_KEY_1 },
      vps2: { address: "10.231.0.12", hostKey: HOST_KEY_2 },
    });
    expect(contract.nodeDistUrl).toBe(MIRROR_URL);
    expect(contract.loki.releaseUrl).toBe(`${MIRROR_URL}/loki`);
    for (const release of [contract.promtail, contract.loki, contract.tempo, contract["otelcol-contrib"]]) {
      expect(sha256(onMirror(releaseAssetUrl(release)))).toBe(release.sha256);
    }
  });

  it("writes what the fixture the other tests read says, but for the digests and the key path", () => {
    const masked = (c: object) =>
      JSON.parse(JSON.stringify(c, (k, v) => (k === "sha256" ? "<sha256>" : k === "privateKeyPath" ? "<key>" : v)));
    expect(masked(contract)).toEqual(masked(SANDBOX_CONTRACT));
  });

  it("serves each component, given the contract's release, the download it fetches, holding the binary where it unpacks it", () => {
    const address = { listenAddress: "10.231.0.12" };
    const promtail = archiveInstallSpec(
      promtailArgsSchema.parse({
        from: "archive",
        version: contract.promtail.version,
        sha256: contract.promtail.sha256,
        releaseUrl: contract.promtail.releaseUrl,
        releaseAsset: contract.promtail.asset,
        lokiUrl: "http://10.231.0.12:3100/loki/api/v1/push",
        hostLabel: "vps1",
      }),
    );
    const installs = [
      { release: contract.promtail, fetch: promtail.fetch, member: undefined },
      {
        release: contract.loki,
        fetch: releaseServiceInstall(LOKI, lokiArgsSchema.parse({ ...contract.loki, ...address })).fetch,
        member: "loki-linux-amd64",
      },
      {
        release: contract.tempo,
        fetch: releaseServiceInstall(TEMPO, tempoArgsSchema.parse({ ...contract.tempo, ...address })).fetch,
        member: "tempo",
      },
      {
        release: contract["otelcol-contrib"],
        fetch: releaseServiceInstall(
          OTEL_COLLECTOR,
          otelCollectorArgsSchema.parse({
            ...contract["otelcol-contrib"],
            ...address,
            otlpHttpPort: 4319,
            remoteWriteUrl: "http://10.231.0.12:9090/api/v1/write",
          }),
        ).fetch,
        member: "otelcol-contrib",
      },
    ];
    for (const { release, fetch, member } of installs) {
      const url = releaseAssetUrl(release);
      expect(fetch).toContain(`curl -fsSL --retry 3 -o "$work/download" ${sh(url)}`);
      expect(fetch).toContain(release.sha256);
      const download = onMirror(url);
      if (member) {
        expect(fetch).toContain(member);
        const listing = download.endsWith(".zip") ? execFileSync("unzip", ["-Z1", download]) : execFileSync("tar", ["-tzf", download]);
        expect(listing.toString().trim()).toBe(member);
      } else {
        expect(execFileSync(download, ["--version"]).toString()).toContain(`version ${release.version}`);
      }
    }
  });

  it("packs a build once: the same binary again leaves the mirror as it is", () => {
    const asset = onMirror(releaseAssetUrl(contract.tempo));
    const before = fs.statSync(asset).mtimeMs;
    publishAll();
    expect(fs.statSync(asset).mtimeMs).toBe(before);
    expect(writeContract(hostsJson(), sandboxContract(sources, versions))).toEqual(contract);
  });

  it("refuses a build that is not the version versions.env names, and a binary that is missing", () => {
    fakeBinary("loki", "3.0.0", new Date("2026-02-01T00:00:00Z"));
    expect(publishAll).toThrow(
      `${toolchain}/loki is not loki ${versions.loki} (it says: loki, version 3.0.0 (branch: HEAD, revision: test)): run toolchain/build.sh`,
    );
    fs.rmSync(path.join(toolchain, "loki"));
    expect(publishAll).toThrow(`no loki binary at ${toolchain}/loki: run toolchain/build.sh first`);
  });

  it("refuses to write a contract its readers would refuse, and keeps the one written", () => {
    const { tempo, ...withoutTempo } = contract;
    expect(tempo.asset).toMatch(/\.tar\.gz$/);
    expect(() => writeContract(hostsJson(), withoutTempo)).toThrow(`${hostsJson()}: tempo: `);
    expect(readSandbox(hostsJson()).contract).toEqual(contract);
  });
});

describe("the Node.js dist's index", () => {
  it("lists every version on the mirror newest first, in index.json and index.tab as nodejs.org writes them", () => {
    const mirror = fs.mkdtempSync(path.join(os.tmpdir(), "node-index-"));
    try {
      fs.mkdirSync(path.join(mirror, ".entries"));
      const entry = (version: string, lts: string | false) => ({
        version,
        date: "2026-09-24",
        files: ["linux-x64"],
        npm: "10.9.9",
        v8: "12.4.254.21-node.57",
        uv: "1.51.0",
        zlib: "1.3.1",
        openssl: "3.5.8",
        modules: "127",
        lts,
        security: false,
      });
      for (const e of [entry("v22.9.0", false), entry("v22.23.3", "Jod"), entry("v9.11.2", false)]) {
        fs.writeFileSync(path.join(mirror, ".entries", `${e.version}.json`), `${JSON.stringify(e)}\n`);
      }
      writeNodeIndex(mirror);
      const index = JSON.parse(fs.readFileSync(path.join(mirror, "index.json"), "utf8"));
      expect(index.map((e: { version: string }) => e.version)).toEqual(["v22.23.3", "v22.9.0", "v9.11.2"]);
      expect(fs.readFileSync(path.join(mirror, "index.tab"), "utf8").split("\n").slice(0, 3)).toEqual([
        "version\tdate\tfiles\tnpm\tv8\tuv\tzlib\topenssl\tmodules\tlts\tsecurity",
        "v22.23.3\t2026-09-24\tlinux-x64\t10.9.9\t12.4.254.21-node.57\t1.51.0\t1.3.1\t3.5.8\t127\tJod\tfalse",
        "v22.9.0\t2026-09-24\tlinux-x64\t10.9.9\t12.4.254.21-node.57\t1.51.0\t1.3.1\t3.5.8\t127\t-\tfalse",
      ]);
    } finally {
      fs.rmSync(mirror, { recursive: true, force: true });
    }
  });
});
