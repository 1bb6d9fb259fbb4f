// NodeExporter's rendered files and scripts: golden files, the hardening it relaxes (and only
// that), and the defaults-file scripts run for real by bash against a temp folder, with a
// stand-in node-exporter (answering --help the way kingpin does) and a stand-in systemctl.
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  allowList,
  dropInSpec,
  exporterHardening,
  healthCheck,
  metricsUrl,
  PATHS,
  renderDropIn,
  renderFlags,
  STOCK_DEFAULTS,
} from "../../../components/node-exporter/render";
import { nodeExporterArgsSchema } from "../../../components/node-exporter/schema";
import { hardening } from "../../../src/hardening";
import { checkedFileScript } from "../../../src/remote/checked-file";
import { argsFileSpec, renderArgsDelete, renderDefaults as defaultsFile, renderHoldScript } from "../../../src/remote/packaged-service";

type Settings = Parameters<typeof renderFlags>[0];
// NodeExporter is a packaged Debian service: these are the shared scripts with its paths and flags.
const renderDefaults = (s: Settings) => defaultsFile(PATHS, renderFlags(s));
const renderArgsScript = (s: Settings) => checkedFileScript(argsFileSpec(PATHS, renderFlags(s)));
const argsDelete = () => renderArgsDelete(PATHS, STOCK_DEFAULTS);

const plain = nodeExporterArgsSchema.parse({ listenAddress: "10.0.0.1" });
const tuned = nodeExporterArgsSchema.parse({
  listenAddress: "10.0.0.2",
  port: 9200,
  disableCollectors: ["zfs", "nfsd"],
  allowFrom: ["10.0.0.1", "10.0.1.0/24"],
});

describe("node-exporter rendering (golden files)", () => {
  it("renders the defaults file", async () => {
    await expect(renderDefaults(tuned)).toMatchFileSnapshot("golden/prometheus-node-exporter.default");
  });
  it("renders the hardened drop-in, with the peers allowed", async () => {
    await expect(renderDropIn(tuned)).toMatchFileSnapshot("golden/prometheus-node-exporter.service.d-10-openclaw.conf");
  });
  it("renders the hold, args and args-delete scripts", async () => {
    await expect(renderHoldScript(PATHS)).toMatchFileSnapshot("golden/hold.sh");
    await expect(renderArgsScript(tuned)).toMatchFileSnapshot("golden/args.sh");
    await expect(argsDelete()).toMatchFileSnapshot("golden/args-delete.sh");
  });
});

describe("node-exporter arguments", () => {
  it("listens on the one address and port, and switches off the listed collectors", () => {
    expect(renderFlags(plain)).toEqual(["--web.listen-address=10.0.0.1:9100"]);
    expect(renderFlags(tuned)).toEqual(["--web.listen-address=10.0.0.2:9200", "--no-collector.zfs", "--no-collector.nfsd"]);
    expect(renderDefaults(plain)).toMatch(/\nARGS="--web.listen-address=10.0.0.1:9100"\n$/);
  });
  it("is scraped and health-checked at /metrics on that address", () => {
    expect(metricsUrl(plain)).toBe("http://10.0.0.1:9100/metrics");
    expect(healthCheck(tuned)).toEqual({
      url: "http://10.0.0.2:9200/metrics",
      expect: "^node_exporter_build_info\\{",
      unit: "prometheus-node-exporter.service",
    });
  });
});

describe("node-exporter drop-in", () => {
  it("relaxes only what reading host-wide metrics needs, and says so in render.ts", () => {
    const shared = hardening().map(([k, v]) => `${k}=${v}`);
    const ours = exporterHardening().map(([k, v]) => `${k}=${v}`);
    expect(shared.filter((d) => !ours.includes(d))).toEqual([
      "ProtectHome=yes",
      "ProtectClock=yes",
      "ProtectProc=invisible",
      "ProcSubset=pid",
    ]);
    expect(ours.filter((d) => !shared.includes(d))).toEqual(["ProtectHome=read-only", "SystemCallFilter=adjtimex"]);
  });

  it("hardens by default; without hardening it keeps the ordering, the restart pace and allowFrom", () => {
    const hardened = renderDropIn(plain);
    for (const [key, value] of exporterHardening()) expect(hardened).toContain(`\n${key}=${value}\n`);
    expect(hardened).not.toContain("IPAddressDeny");
    const open = renderDropIn(nodeExporterArgsSchema.parse({ ...tuned, hardening: false }));
    expect(open).not.toMatch(/ProtectSystem|CapabilityBoundingSet|SystemCallFilter/);
    expect(open).toContain("\nAfter=network-online.target\n");
    expect(open).toContain("\nRestartSec=5\n");
    expect(open).toContain("\nIPAddressDeny=any\nIPAddressAllow=localhost 10.0.0.2 10.0.0.1 10.0.1.0/24\n");
  });

  it("merges the relaxed policy through spec.hardening, and only there", () => {
    expect(dropInSpec(plain).hardening).toEqual(exporterHardening());
    expect(dropInSpec(plain).sections.Service.filter((line) => !("comment" in line))).toEqual([["RestartSec", "5"]]);
    expect(dropInSpec({ ...plain, hardening: false }).hardening).toEqual([]);
  });

  it("always lets the host itself in, so the health wait from the host can connect", () => {
    expect(allowList(plain)).toBeNull();
    expect(allowList(tuned)).toBe("localhost 10.0.0.2 10.0.0.1 10.0.1.0/24");
  });
});

describe("Debian's stock defaults file", () => {
  it("is byte for byte the package's conffile (md5 from dpkg-query -W -f='${Conffiles}' on Debian 13)", () => {
    expect(crypto.createHash("md5").update(STOCK_DEFAULTS).digest("hex")).toBe("45c2bd19b810139320b45caed2e82c85");
  });
});

const isRoot = process.getuid?.() === 0;

describe.skipIf(!isRoot)("the defaults-file scripts run by bash (as root: the file is root-owned)", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "node-exporter-"));
    fs.mkdirSync(path.join(dir, "bin"));
    fs.writeFileSync(path.join(dir, "bin", "systemctl"), `#!/bin/sh\necho "$*" >> ${dir}/systemctl.log\n`, { mode: 0o755 });
    // Like kingpin: an unknown long flag is an error even with --help.
    fs.writeFileSync(
      path.join(dir, "bin", "node-exporter"),
      `#!/bin/sh\nfor a; do case "$a" in --web.listen-address=*|--no-collector.zfs|--no-collector.nfsd|--help) ;; *) echo "prometheus-node-exporter: error: unknown long flag '$a', try --help" >&2; exit 1;; esac; done\necho usage\n`,
      { mode: 0o755 },
    );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The rendered script, pointed at the temp folder instead of /etc/default and /usr/bin. */
  function local(script: string): string {
    return script.split(PATHS.defaults).join(`${dir}/default`).split(PATHS.binary).join(`${dir}/bin/node-exporter`);
  }
  function run(script: string, stdin = "") {
    const r = spawnSync("bash", ["-euo", "pipefail", "-c", local(script)], {
      input: stdin,
      encoding: "utf8",
      env: { ...process.env, PATH: `${dir}/bin:${process.env.PATH}` },
    });
    const log = path.join(dir, "systemctl.log");
    const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
    fs.rmSync(log, { force: true });
    return { ...r, calls };
  }

  it("checks the arguments and writes the file 0644, leaving the unit to the drop-in step; a second run writes nothing", () => {
    fs.writeFileSync(`${dir}/default`, STOCK_DEFAULTS);
    const first = run(renderArgsScript(tuned), renderDefaults(tuned));
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe(`wrote ${dir}/default (${dir}/bin/node-exporter --help: ok)\n`);
    expect(first.calls).toBe("");
    expect(fs.readFileSync(`${dir}/default`, "utf8")).toBe(renderDefaults(tuned));
    expect((fs.statSync(`${dir}/default`).mode & 0o777).toString(8)).toBe("644");
    const second = run(renderArgsScript(tuned), renderDefaults(tuned));
    expect(second.stdout).toBe(`unchanged ${dir}/default\n`);
    expect(second.calls).toBe("");
  });

  it("refuses arguments the binary does not know, leaving the file and the unit alone", () => {
    fs.writeFileSync(`${dir}/default`, STOCK_DEFAULTS);
    const bad = nodeExporterArgsSchema.parse({ listenAddress: "10.0.0.1", disableCollectors: ["bogus"] });
    const r = run(renderArgsScript(bad), renderDefaults(bad));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `${dir}/bin/node-exporter --help rejects the new ${dir}/default; the current one stays:\n` +
        "prometheus-node-exporter: error: unknown long flag '--no-collector.bogus', try --help\n",
    );
    expect(r.calls).toBe("");
    expect(fs.readFileSync(`${dir}/default`, "utf8")).toBe(STOCK_DEFAULTS);
  });

  it("delete stops and disables the unit, then puts Debian's file back byte for byte", () => {
    fs.writeFileSync(`${dir}/default`, renderDefaults(tuned));
    const r = run(argsDelete());
    expect(r.status, r.stderr).toBe(0);
    expect(r.calls).toBe("disable --now --quiet prometheus-node-exporter.service\n");
    expect(fs.readFileSync(`${dir}/default`, "utf8")).toBe(STOCK_DEFAULTS);
    expect((fs.statSync(`${dir}/default`).mode & 0o777).toString(8)).toBe("644");
    expect(fs.readdirSync(dir).sort()).toEqual(["bin", "default"]);
  });

  it("delete does not bring back a file a purge removed", () => {
    expect(run(argsDelete()).status).toBe(0);
    expect(fs.existsSync(`${dir}/default`)).toBe(false);
  });
});
