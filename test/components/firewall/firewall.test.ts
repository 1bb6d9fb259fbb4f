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
import { applyScript, confirmScript, Firewall, removeScript, RULES_FACTS, rulesFactsScript } from "../../../components/firewall";
import { Opening, openings, renderRules, STOCK_RULES, TABLE } from "../../../components/firewall/render";
import { firewallOptionsSchema } from "../../../components/firewall/schema";
import { parseStackConfig } from "../../../src/config";
import { componentsOn } from "../../../src/registry";
import { validConfig } from "../../fixtures/config";
import { recorder, value } from "../../support/mocks";

const nft = spawnSync("nft", ["--version"], { encoding: "utf8" });
if (nft.status !== 0) throw new Error("nft is required (Debian's nftables; scripts/network-tools.sh installs it)");

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
    expect(firewallOptionsSchema.parse({})).toEqual({ sshFrom: ["0.0.0.0/0", "::/0"], operatorFrom: [], confirmSeconds: 30 });
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

// The host's side of a commit-confirmed load: real bash and nft inside a network namespace of
// their own (this machine's rules are never touched); systemctl and systemd-run are stand-ins:
// systemd-run arms the restore (a file holding its command), systemctl stop disarms it.
describe("a rule set loaded, then confirmed or restored by the host itself (real bash and nft, a network namespace of their own)", () => {
  const at = { rules: path.join(dir, "nftables.conf"), pending: path.join(dir, "pending") };
  const armed = path.join(dir, "restore.cmd");
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(
    path.join(bin, "systemctl"),
    [
      "#!/bin/sh",
      `case "$1" in`,
      `  is-active) [ -f ${armed} ] ;;`,
      `  stop) rm -f ${armed} ;;`,
      `  is-enabled) echo enabled ;;`,
      "esac",
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  fs.writeFileSync(
    path.join(bin, "systemd-run"),
    ["#!/bin/sh", 'while [ "${1#-}" != "$1" ]; do shift; done', `echo "$@" > ${armed}`, ""].join("\n"),
    { mode: 0o755 },
  );
  const files = {
    apply: applyScript(30, at),
    confirm: confirmScript(at),
    facts: rulesFactsScript(at),
    remove: removeScript(at),
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, `${name}.sh`), text);
  const vps1 = renderRules(openingsOf("vps1"));
  const wider = renderRules(openingsOf("vps1", { sshFrom: ["192.0.2.0/24"] }));
  fs.writeFileSync(path.join(dir, "vps1.nft"), vps1);
  fs.writeFileSync(path.join(dir, "wider.nft"), wider);

  /** Runs `lines` in a new network namespace: `apply FILE`, `confirm`, `facts`, `fire` (the timer elapses) are defined. */
  function inNetns(lines: string[]) {
    const prelude = [
      `apply() { bash ${dir}/apply.sh < "${dir}/$1" | tail -n 1 | sed -E 's/^[0-9a-f-]{36}$/<token>/'; }`,
      `confirm() { bash ${dir}/confirm.sh; }`,
      `facts() { bash ${dir}/facts.sh | paste -sd ' '; }`,
      `fire() { sh -c "$(cat ${armed})"; rm -f ${armed}; echo restored; }`,
    ];
    return spawnSync("unshare", ["--net", "bash", "-uo", "pipefail", "-c", [...prelude, ...lines].join("\n")], {
      encoding: "utf8",
      env: { PATH: `${bin}:${process.env.PATH}`, SHLVL: "1" },
    });
  }

  it("loads a new rule set, and writes it for the boot only once a confirmation comes; the same rules again change nothing", () => {
    fs.rmSync(at.rules, { force: true });
    const r = inNetns([
      "apply vps1.nft",
      `echo "armed: $(cat ${armed} | cut -d' ' -f1-2) facts: $(facts)"`,
      "confirm",
      `echo "armed: $(test -f ${armed} && echo yes || echo no) facts: $(facts)"`,
      "apply vps1.nft",
      "confirm",
    ]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trimEnd().split("\n")).toEqual([
      "<token>",
      // The boot file is not written yet: the kernel holds rules the file does not.
      "armed: nft -f facts: rules=other boot=enabled",
      `confirmed the rule set of /etc/nftables.conf (table ${TABLE}) over a new SSH connection`,
      "armed: no facts: rules=loaded boot=enabled",
      "unchanged",
      "nothing to confirm",
    ]);
    expect(fs.readFileSync(at.rules, "utf8")).toBe(vps1);
  });

  it("restores the rule set it had when no confirmation comes, and the confirmation that comes late fails naming the rule set", () => {
    fs.writeFileSync(at.rules, vps1);
    const r = inNetns([
      `nft -f ${at.rules}`,
      "apply wider.nft",
      `nft list table ${TABLE} | grep -c 192.0.2.0/24`,
      "fire",
      `nft list table ${TABLE} | grep -c 192.0.2.0/24`,
      "facts",
      'confirm; echo "confirm: $?"',
    ]);
    expect(r.stdout.trimEnd().split("\n")).toEqual(["<token>", "1", "restored", "0", "rules=loaded boot=enabled", "confirm: 1"]);
    expect(r.stderr).toBe(
      `the rule set of /etc/nftables.conf (table ${TABLE}) was not confirmed in time: the host restored the previous one\n`,
    );
    expect(fs.readFileSync(at.rules, "utf8")).toBe(vps1);
  });

  it("a rule set applied again before its confirmation is still restored to the last confirmed one", () => {
    fs.writeFileSync(at.rules, vps1);
    const r = inNetns([
      `nft -f ${at.rules}`,
      "apply wider.nft",
      "apply wider.nft",
      "fire",
      `nft list table ${TABLE} | grep -c 192.0.2.0/24`,
      "facts",
      "apply vps1.nft",
      "confirm",
    ]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trimEnd().split("\n")).toEqual([
      "<token>",
      "<token>",
      "restored",
      "0",
      "rules=loaded boot=enabled",
      // The kernel holds the file's rules, but the restored attempt is still pending: loaded and confirmed again.
      "<token>",
      `confirmed the rule set of /etc/nftables.conf (table ${TABLE}) over a new SSH connection`,
    ]);
  });

  it("a hand change of the kernel's rules shows in the facts and is loaded over; a host with no table is restored to none", () => {
    fs.writeFileSync(at.rules, vps1);
    const r = inNetns([
      `nft -f ${at.rules}`,
      `nft add rule ${TABLE} input tcp dport 8080 accept`,
      "facts",
      "apply vps1.nft; confirm >/dev/null; facts",
      `nft delete table ${TABLE}`,
      "apply vps1.nft; fire; nft list tables | wc -l",
    ]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trimEnd().split("\n")).toEqual([
      "rules=other boot=enabled",
      "<token>",
      "rules=loaded boot=enabled",
      "<token>",
      "restored",
      "0",
    ]);
  });

  it("refuses a rule set nft -c rejects, loading nothing", () => {
    fs.writeFileSync(path.join(dir, "bad.nft"), renderRules([{ what: "bad (x.port)", protocol: "tcp", port: 70000, from: ["10.0.0.1"] }]));
    const r = inNetns(['apply bad.nft; echo "apply: $?"', "nft list tables | wc -l"]);
    expect(r.stdout.trimEnd().split("\n")).toEqual(["apply: 1", "0"]);
    expect(r.stderr).toMatch(new RegExp(`^nft -c rejects the new rule set for ${at.rules}; the current one stays:\n.*70000`, "s"));
  });

  it("a destroy removes the table and puts Debian's stock file back", () => {
    fs.writeFileSync(at.rules, vps1);
    const r = inNetns([`nft -f ${at.rules}`, `bash ${dir}/remove.sh`, "nft list tables | wc -l"]);
    expect(r.stdout).toBe(`removed table ${TABLE}; ${at.rules} is Debian's again\n0\n`);
    expect(fs.readFileSync(at.rules, "utf8")).toBe(STOCK_RULES);
  });
});

describe("the component", () => {
  it("installs nftables, loads the rule set armed to be restored, and confirms it over a connection of its own", async () => {
    const { find, opts } = recorder();
    const o = openingsOf("vps2");
    const connection = { host: "192.0.2.12", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA" };
    new Firewall("vps2-firewall", { connection, openings: o, confirmSeconds: 45 }, opts);
    expect(find("vps2-firewall-rules").dependsOn).toEqual(["vps2-firewall-package"]);
    const rules = find("vps2-firewall-rules").props;
    expect(await value(rules.stdin)).toBe(renderRules(o));
    expect(await value<string>(rules.create)).toBe(applyScript(45));
    expect(await value<string>(rules.create)).toContain("--on-active=45s");
    expect(await value<string>(rules.check)).toContain(rulesFactsScript().trimEnd());
    expect(await value<string>(rules.observed)).toBe(`content=same\nmode=755\nowner=root:root\n${RULES_FACTS}`);
    expect(await value<string>(rules.delete)).toBe(removeScript());
    const confirm = find("vps2-firewall-confirm");
    expect(confirm.dependsOn).toEqual(["vps2-firewall-rules"]);
    expect(await value(confirm.props.connection)).toEqual({ ...connection, separate: "firewall confirmation" });
    expect(await value<string>(confirm.props.create)).toBe(confirmScript());
  });
});
