// PromtailJournal rendering: golden files for every file and script, for both agents.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { hardening } from "../../../src/hardening";
import {
  binaryPath,
  ipAllowList,
  readyUrl,
  releaseDownload,
  renderConfig,
  archiveInstallSpec,
  configFileSpec,
  gatewayUnitRegexes,
  journalRelabelRules,
  RelabelRule,
  renderUnit,
  unitSpec,
  unitsRegex,
} from "../../../components/promtail-journal/render";
import { promtailArgsSchema } from "../../../components/promtail-journal/schema";
import { INSTANCE_LABEL, instanceOfUnit, instancePaths } from "../../../components/gateway-service/instances";
import { checkedFileScript } from "../../../src/remote/checked-file";
import { installScript, uninstallScript } from "../../../src/remote/install";

/** The two rules labelling a gateway unit's lines with its instance. */
const INSTANCE_RULES = [
  {
    source_labels: ["__journal__systemd_unit"],
    regex: "openclaw-gateway\\.service",
    target_label: "instance_name",
    replacement: "default",
  },
  {
    source_labels: ["__journal__systemd_unit"],
    regex: "openclaw-gateway-([a-z][a-z0-9]{0,15})\\.service",
    target_label: "instance_name",
    replacement: "$1",
  },
];

const renderConfigScript = (s: Parameters<typeof configFileSpec>[0]) => checkedFileScript(configFileSpec(s));
const renderInstallArchive = (s: Parameters<typeof archiveInstallSpec>[0]) => installScript(archiveInstallSpec(s));

const base = { lokiUrl: "http://10.0.0.2:3100/loki/api/v1/push", hostLabel: "vps1" };
const promtail = promtailArgsSchema.parse(base);
const promtailUnits = promtailArgsSchema.parse({ ...base, units: ["openclaw-gateway.service", "cloudflared.service"] });
const alloy = promtailArgsSchema.parse({ ...base, agent: "alloy", units: ["openclaw-gateway.service"] });
const archive = promtailArgsSchema.parse({
  ...base,
  from: "archive",
  version: "3.6.4",
  sha256: "c".repeat(64),
  releaseUrl: "http://10.231.0.1:8082/promtail/",
});

describe("PromtailJournal files (golden)", () => {
  it("promtail configuration", async () => {
    await expect(renderConfig(promtail)).toMatchFileSnapshot("golden/promtail.yaml");
  });
  it("promtail configuration keeping some units", async () => {
    await expect(renderConfig(promtailUnits)).toMatchFileSnapshot("golden/promtail-units.yaml");
  });
  it("Alloy configuration", async () => {
    await expect(renderConfig(alloy)).toMatchFileSnapshot("golden/journal.alloy");
  });
  it("promtail unit", async () => {
    await expect(renderUnit(promtail)).toMatchFileSnapshot("golden/promtail.service");
  });
  it("Alloy unit", async () => {
    await expect(renderUnit(alloy)).toMatchFileSnapshot("golden/alloy.service");
  });
  it("promtail unit of a release download", async () => {
    await expect(renderUnit(archive)).toMatchFileSnapshot("golden/promtail-archive.service");
  });
});

describe("PromtailJournal scripts (golden)", () => {
  it("promtail configuration, checked with -check-syntax before it is written", async () => {
    await expect(renderConfigScript(promtail)).toMatchFileSnapshot("golden/config-promtail.sh");
  });
  it("Alloy configuration, checked with alloy validate before it is written", async () => {
    await expect(renderConfigScript(alloy)).toMatchFileSnapshot("golden/config-alloy.sh");
  });
  it("release download install", async () => {
    await expect(renderInstallArchive(archive)).toMatchFileSnapshot("golden/install-archive.sh");
  });
  it("release download uninstall", async () => {
    await expect(uninstallScript(archiveInstallSpec(archive))).toMatchFileSnapshot("golden/uninstall-archive.sh");
  });
});

describe("PromtailJournal rendering rules", () => {
  it("writes promtail.yaml from an object: the labels, positions under /var/lib, localhost only", () => {
    const yaml = renderConfig(promtail);
    expect(yaml.split("\n").slice(0, 3)).toEqual([
      "# Managed by openclaw-infra (Pulumi): changes here are overwritten on the next `pulumi up`.",
      "# Promtail reads the systemd journal and pushes it to Loki.",
      "server:",
    ]);
    expect(parse(yaml, { version: "1.1" })).toEqual({
      server: { http_listen_address: "127.0.0.1", http_listen_port: 9080, grpc_listen_address: "127.0.0.1", grpc_listen_port: 0 },
      positions: { filename: "/var/lib/promtail/positions.yaml" },
      // Retries without a limit: nothing is dropped while Loki is down.
      clients: [
        { url: "http://10.0.0.2:3100/loki/api/v1/push", backoff_config: { min_period: "500ms", max_period: "30s", max_retries: 0 } },
      ],
      scrape_configs: [
        {
          job_name: "journal",
          journal: { max_age: "12h", labels: { job: "systemd-journal", host: "vps1" } },
          relabel_configs: [{ source_labels: ["__journal__systemd_unit"], target_label: "unit" }, ...INSTANCE_RULES],
        },
      ],
    });
  });
  it("labels Alloy's lines the same way", () => {
    const river = renderConfig(alloy);
    expect(river).toContain('    job  = "systemd-journal",\n    host = "vps1",\n');
    expect(river).toContain('target_label  = "unit"');
    expect(river).toContain('url = "http://10.0.0.2:3100/loki/api/v1/push"');
    expect(renderUnit(alloy)).toContain("--server.http.listen-addr=127.0.0.1:9080 --storage.path=/var/lib/alloy ");
  });
  it("keeps only the listed units, matched exactly", () => {
    expect(unitsRegex([])).toBeNull();
    expect(unitsRegex(["openclaw-gateway.service", "a@b.service"])).toBe("openclaw-gateway\\.service|a@b\\.service");
    const rules = parse(renderConfig(promtailUnits)).scrape_configs[0].relabel_configs;
    expect(rules[rules.length - 1]).toEqual({
      source_labels: ["__journal__systemd_unit"],
      regex: "openclaw-gateway\\.service|cloudflared\\.service",
      action: "keep",
    });
  });
  it("keeps every listed gateway instance's unit, matched exactly", () => {
    const units = ["openclaw-gateway.service", "openclaw-gateway-work.service"];
    const keep = parse(renderConfig(promtailArgsSchema.parse({ ...base, units }))).scrape_configs[0].relabel_configs.at(-1);
    expect(keep).toEqual({
      source_labels: ["__journal__systemd_unit"],
      regex: "openclaw-gateway\\.service|openclaw-gateway-work\\.service",
      action: "keep",
    });
    const kept = (unit: string) => new RegExp(`^(?:${keep.regex})$`).test(unit);
    expect(units.every(kept)).toBe(true);
    expect(["openclaw-gateway-other.service", "openclaw-gateway.service.d", "xopenclaw-gateway.service"].some(kept)).toBe(false);
  });
  it("labels a gateway unit's lines with its instance: default, or the name in the unit (both agents)", () => {
    const rules = journalRelabelRules([]);
    expect(rules.filter((r) => r.target_label === INSTANCE_LABEL)).toEqual(INSTANCE_RULES);
    // promtail's file holds exactly these rules; Alloy's, each as a rule block.
    expect(parse(renderConfig(promtail), { version: "1.1" }).scrape_configs[0].relabel_configs).toEqual(rules);
    const river = renderConfig({ ...promtail, agent: "alloy" });
    expect(river).toContain(
      [
        "  rule {",
        '    source_labels = ["__journal__systemd_unit"]',
        '    regex         = "openclaw-gateway\\\\.service"',
        '    target_label  = "instance_name"',
        '    replacement   = "default"',
        "  }",
      ].join("\n"),
    );
    expect(river).toContain(
      [
        "  rule {",
        '    source_labels = ["__journal__systemd_unit"]',
        '    regex         = "openclaw-gateway-([a-z][a-z0-9]{0,15})\\\\.service"',
        '    target_label  = "instance_name"',
        '    replacement   = "$1"',
        "  }",
      ].join("\n"),
    );
  });
  it("gives each unit the instance instances.ts reads from it (relabel regexes match whole values)", () => {
    /** The label a journal line of `unit` ends with, by the rules as Prometheus relabeling applies them. */
    const relabel = (rules: RelabelRule[], unit: string): string | undefined => {
      let label: string | undefined;
      for (const r of rules.filter((r) => r.target_label === INSTANCE_LABEL)) {
        const m = new RegExp(`^(?:${r.regex})$`).exec(unit);
        if (m) label = (r.replacement ?? "$1").replace(/\$(\d)/g, (_, i) => m[Number(i)] ?? "");
      }
      return label;
    };
    const rules = journalRelabelRules([]);
    for (const unit of [
      instancePaths("default").unit,
      instancePaths("work").unit,
      instancePaths("a1").unit,
      "openclaw-gateway-Work.service",
      "openclaw-gateway-.service",
      "openclaw-gateway-work-x.service",
      "openclaw-gateway.socket",
      "cloudflared.service",
      "init.scope",
    ]) {
      expect(relabel(rules, unit), unit).toBe(instanceOfUnit(unit));
    }
    expect(relabel(rules, "openclaw-gateway.service")).toBe("default");
    expect(relabel(rules, "openclaw-gateway-work.service")).toBe("work");
    expect(gatewayUnitRegexes()).toEqual({
      default: "openclaw-gateway\\.service",
      named: "openclaw-gateway-([a-z][a-z0-9]{0,15})\\.service",
    });
  });
  it("keeps a label YAML 1.1 would read as a boolean or a number a string, and writes no anchors", () => {
    for (const hostLabel of ["on", "yes", "0755", "1e3"]) {
      const yaml = renderConfig(promtailArgsSchema.parse({ ...base, hostLabel, units: ["a.service"] }));
      expect(parse(yaml, { version: "1.1" }).scrape_configs[0].journal.labels.host).toBe(hostLabel);
      expect(yaml).not.toMatch(/[&*]a\d/);
    }
  });
  it("runs the agent in the systemd-journal group under its own user, hardened by default", () => {
    const unit = renderUnit(promtail);
    for (const line of [
      "User=promtail",
      "SupplementaryGroups=systemd-journal",
      "StateDirectory=promtail",
      "ProtectSystem=strict",
      "NoNewPrivileges=yes",
      "CapabilityBoundingSet=",
      "MemoryDenyWriteExecute=yes",
      "IPAddressDeny=any",
      "IPAddressAllow=localhost 10.0.0.2",
    ]) {
      expect(unit).toContain(`${line}\n`);
    }
    const open = renderUnit({ ...promtail, hardening: false });
    expect(open).not.toContain("ProtectSystem");
    expect(open).toContain("SupplementaryGroups=systemd-journal\n");
  });
  it("merges the shared policy through spec.hardening, for a journal reader", () => {
    expect(unitSpec(promtail).hardening).toEqual(
      hardening({
        readsJournal: true,
        extra: [
          ["IPAddressDeny", "any"],
          ["IPAddressAllow", "localhost 10.0.0.2"],
        ],
      }),
    );
    expect(unitSpec({ ...promtail, hardening: false }).hardening).toEqual([]);
  });
  it("restricts network peers only when Loki is addressed by IP", () => {
    expect(ipAllowList("http://10.0.0.2:3100/loki/api/v1/push")).toBe("localhost 10.0.0.2");
    expect(ipAllowList("https://loki.example.com/loki/api/v1/push")).toBeNull();
    expect(renderUnit({ ...promtail, lokiUrl: "https://loki.example.com/loki/api/v1/push" })).not.toContain("IPAddressDeny");
  });
  it("uses the package's binary with apt and the release's link otherwise", () => {
    expect(binaryPath(promtail)).toBe("/usr/bin/promtail");
    expect(binaryPath(archive)).toBe("/usr/local/bin/promtail");
    expect(renderUnit(promtail)).toContain("ExecStart=/usr/bin/promtail -config.file=/etc/promtail/journal.yaml\n");
  });
  it("points readiness at each agent's endpoint", () => {
    expect(readyUrl(promtail)).toBe("http://127.0.0.1:9080/ready");
    expect(readyUrl(alloy)).toBe("http://127.0.0.1:9080/-/ready");
  });
  it("downloads <base>/v<version>/<asset>, a zip by default or a bare binary", () => {
    expect(releaseDownload(archive)).toEqual({
      url: "http://10.231.0.1:8082/promtail/v3.6.4/promtail-linux-amd64.zip",
      asset: "promtail-linux-amd64.zip",
    });
    const alloyRelease = promtailArgsSchema.parse({ ...base, agent: "alloy", from: "archive", version: "1.10.2", sha256: "d".repeat(64) });
    expect(releaseDownload(alloyRelease).url).toBe("https://github.com/grafana/alloy/releases/download/v1.10.2/alloy-linux-amd64.zip");
    const bare = renderInstallArchive({ ...archive, releaseAsset: "promtail" });
    expect(bare).toContain(`mv "$work/download" "$work/binary"`);
    expect(bare).not.toContain("unzip");
  });
  it("checks the downloaded release against its sha256 before installing it", () => {
    const script = renderInstallArchive(archive);
    expect(script.indexOf("sha256sum --check")).toBeLessThan(script.indexOf("unzip"));
  });
});
