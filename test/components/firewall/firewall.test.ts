// The firewall: its options, the openings derived from the topology's listeners, the rule set
// (golden, and checked by the real `nft -c`), its load and facts scripts run by real bash and
// nft inside a network namespace of their own (this machine's rules are never touched), and
// the component under mocks.
import * as pulumi from "@pulumi/pulumi";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Firewall, loadScript, removeScript, RULES_FACTS, rulesFactsScript } from "../../../components/firewall";
import { Opening, openings, renderRules, STOCK_RULES, TABLE } from "../../../components/firewall/render";
import { firewallOptionsSchema } from "../../../components/firewall/schema";
import { parseStackConfig } from "../../../src/config";
import { componentsOn } from "../../../src/registry";
import { validConfig } from "../../fixtures/config";
import { recorder, value } from "../../support/mocks";

const nft = spawnSync("nft", ["--version"], { encoding: "utf8" });
if (nft.status !== 0) throw new Error("nft is required (Debian's nftables; scripts/nft-tools.sh installs it)");

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "firewall-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) },
    "openclaw-infra",
    "vps2",
    false,
  );
});

/** The openings of `host` in the fixture topology, with these firewall options. */
function openingsOf(host: string, options: Record<string, unknown> = {}): Opening[] {
  const { ctx } = componentsOn(parseStackConfig({ ...validConfig(), host }))[0];
  return openings(ctx.hostListeners(), firewallOptionsSchema.parse(options), ctx.addressesOf);
}

/** `nft -c -f` of a rule set: checks it against the kernel without loading anything. */
function check(rules: string) {
  const file = path.join(dir, "check.nft");
  fs.writeFileSync(file, rules);
  return spawnSync("nft", ["-c", "-f", file], { encoding: "utf8" });
}

describe("firewall options", () => {
  it("default to SSH from anywhere and the operator's UIs through an SSH tunnel only", () => {
    expect(firewallOptionsSchema.parse({})).toEqual({ sshFrom: ["0.0.0.0/0", "::/0"], operatorFrom: [] });
  });
  it("refuse what is not an address or a network, naming the field", () => {
    for (const bad of ["10.0.0.0/33", "10.0.0.300", "fw.example.com", "2001:db8::/129", "10.0.0.0/8/8"]) {
      const issue = firewallOptionsSchema.safeParse({ operatorFrom: [bad] }).error?.issues[0];
      expect([issue?.path, issue?.message], bad).toEqual([
        ["operatorFrom", 0],
        "must be an IP address or a network like 10.0.0.0/8 or 2001:db8::/32",
      ]);
    }
    expect(firewallOptionsSchema.safeParse({ sshFrom: [] }).success).toBe(false);
    expect(firewallOptionsSchema.safeParse({ sshform: ["10.0.0.0/8"] }).success).toBe(false);
  });
});

describe("the openings, from the topology's listeners", () => {
  it("open each port of the observability host only to the hosts that use it, and the UIs to operatorFrom", () => {
    const lines = openingsOf("vps2", { operatorFrom: ["192.0.2.0/24"], sshFrom: ["198.51.100.7", "2001:db8::/48"] }).map(
      (o) => `${o.what} ${o.port}/${o.protocol} <- ${o.from.join(" ")}`,
    );
    expect(lines).toEqual([
      "ssh sshd (topology.hosts.vps2.sshPort) 22/tcp <- 198.51.100.7 2001:db8::/48 10.0.0.1 10.0.0.2",
      "nodeExporter metrics (nodeExporter.port) 9100/tcp <- 10.0.0.2",
      "logs http (logs.port) 9080/tcp <- 10.0.0.2",
      "loki http (loki.port) 3100/tcp <- 10.0.0.1 10.0.0.2",
      "tempo http (tempo.port) 3200/tcp <- 10.0.0.2",
      "tempo otlp-grpc (tempo.otlpGrpcPort) 4317/tcp <- 10.0.0.1",
      "tempo otlp-http (tempo.otlpHttpPort) 4318/tcp <- 10.0.0.1",
      "otelCollector otlp-http (otelCollector.otlpHttpPort) 4319/tcp <- 10.0.0.1",
      "otelCollector metrics (otelCollector.metricsPort) 8888/tcp <- 10.0.0.2",
      "pgBackRest exporter (pgBackRest.exporterPort) 9854/tcp <- 10.0.0.2",
      "postgres postgresql (postgres.port) 5432/tcp <- 10.0.0.1",
      "postgresExporter metrics (postgresExporter.port) 9187/tcp <- 10.0.0.2",
      "alertmanager http (alertmanager.port) 9093/tcp <- 10.0.0.2 192.0.2.0/24",
      "prometheus http (prometheus.port) 9090/tcp <- 10.0.0.2 192.0.2.0/24",
    ]);
  });
  it("leave loopback listeners out, and a UI with no operatorFrom reachable through an SSH tunnel only", () => {
    const vps1 = openingsOf("vps1");
    expect(vps1.map((o) => o.what)).not.toContain("gateway http (gateway.port)");
    const prometheus = openingsOf("vps2").find((o) => o.what.startsWith("prometheus "));
    expect(prometheus?.from).toEqual(["10.0.0.2"]);
  });
});

describe("the rule set", () => {
  it("is rendered from the openings (golden), one rule per address family", async () => {
    await expect(renderRules(openingsOf("vps1"))).toMatchFileSnapshot("golden/vps1.nft");
    await expect(renderRules(openingsOf("vps2", { operatorFrom: ["192.0.2.0/24", "2001:db8::/48"] }))).toMatchFileSnapshot(
      "golden/vps2.nft",
    );
  });
  it("passes the real nft -c, as does Debian's stock file a destroy puts back", () => {
    for (const rules of [
      renderRules(openingsOf("vps1")),
      renderRules(openingsOf("vps2", { operatorFrom: ["2001:db8::/48"] })),
      STOCK_RULES,
    ]) {
      const r = check(rules);
      expect(r.status, r.stderr).toBe(0);
    }
  });
  it("is refused by nft -c when an opening is not a rule nftables can hold", () => {
    const r = check(renderRules([{ what: "bad (x.port)", protocol: "tcp", port: 70000, from: ["10.0.0.1"] }]));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("70000");
  });
});

describe("loading it, and reading it back (real bash and nft, in a network namespace of their own)", () => {
  /** Runs `script` in a new network namespace, systemctl a stand-in that logs its calls. */
  function inNetns(commands: string): { status: number | null; stdout: string; stderr: string } {
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(
      path.join(bin, "systemctl"),
      `#!/bin/sh\necho "$*" >> ${dir}/systemctl.log\n[ "$1" = is-enabled ] && echo enabled\nexit 0\n`,
      {
        mode: 0o755,
      },
    );
    return spawnSync("unshare", ["--net", "bash", "-euo", "pipefail", "-c", commands], {
      encoding: "utf8",
      env: { PATH: `${bin}:${process.env.PATH}`, SHLVL: "1" },
    });
  }
  const rules = path.join(dir, "nftables.conf");

  it("loads the file when the kernel's table differs from it, and only then; facts say so", () => {
    fs.writeFileSync(rules, renderRules(openingsOf("vps1")));
    fs.writeFileSync(path.join(dir, "facts.sh"), rulesFactsScript(rules));
    fs.writeFileSync(path.join(dir, "load.sh"), loadScript(rules));
    const facts = `bash ${dir}/facts.sh | paste -sd ' '`;
    const load = `changed=no bash ${dir}/load.sh`;
    const r = inNetns(
      [
        `echo "before: $(${facts})"`,
        load,
        `echo "loaded: $(${facts})"`,
        load,
        // A hand change: one more opening.
        `nft add rule ${TABLE} input tcp dport 8080 accept`,
        `echo "hand edit: $(${facts})"`,
        load,
        `echo "repaired: $(${facts})"`,
        `nft list table ${TABLE} | grep -c 'dport 8080' || true`,
      ].join("\n"),
    );
    expect(r.stderr).toBe("");
    expect(r.stdout.trimEnd().split("\n")).toEqual([
      "before: rules=other boot=enabled",
      `loaded ${rules}: table ${TABLE}`,
      "loaded: rules=loaded boot=enabled",
      "hand edit: rules=other boot=enabled",
      `loaded ${rules}: table ${TABLE}`,
      "repaired: rules=loaded boot=enabled",
      "0",
    ]);
  });

  it("a destroy removes the table and puts Debian's stock file back", () => {
    fs.writeFileSync(rules, renderRules(openingsOf("vps1")));
    const r = inNetns(`nft -f ${rules}\n${removeScript(rules)}\nnft list tables`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`removed table ${TABLE}; ${rules} is Debian's again\n`);
    expect(fs.readFileSync(rules, "utf8")).toBe(STOCK_RULES);
  });
});

describe("the component", () => {
  it("installs nftables, then writes the rule set checked by nft -c, loads it, and reads the kernel's rules back on refresh", async () => {
    const { find, opts } = recorder();
    const o = openingsOf("vps2");
    new Firewall(
      "vps2-firewall",
      { connection: { host: "192.0.2.12", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA" }, openings: o },
      opts,
    );
    expect(find("vps2-firewall-rules").dependsOn).toEqual(["vps2-firewall-package"]);
    const step = find("vps2-firewall-rules").props;
    expect(await value(step.stdin)).toBe(renderRules(o));
    expect(await value<string>(step.create)).toContain(`nft -c -f "$candidate"`);
    expect(await value<string>(step.create)).toContain("nft -f '/etc/nftables.conf'");
    expect(await value<string>(step.check)).toContain(rulesFactsScript().trimEnd());
    expect(await value<string>(step.observed)).toBe(`content=same\nmode=755\nowner=root:root\n${RULES_FACTS}`);
    expect(await value<string>(step.delete)).toBe(removeScript());
  });
});
