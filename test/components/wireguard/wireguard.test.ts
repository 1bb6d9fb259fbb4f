// WireGuard: options, the files (golden), the topology's checks, the firewall's openings over a
// WireGuard network, and the key, interface and peer scripts run by bash with the real wg,
// wg-quick and wireguard-go: two network namespaces of their own joined by a veth pair, each
// with its interface, exchange packets only once each holds the other's entry.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { openings } from "../../../components/firewall/render";
import { firewallOptionsSchema } from "../../../components/firewall/schema";
import {
  dropInSpec,
  keyCheck,
  keyScript,
  packages,
  peerScripts,
  renderInterface,
  renderPeer,
  renderSysctl,
} from "../../../components/wireguard/render";
import { wireguardOptionsSchema } from "../../../components/wireguard/schema";
import { parseStackConfig } from "../../../src/config";
import { addressesOf, hostListeners } from "../../../src/registry";
import { renderUnitFile } from "../../../src/remote/unit-file";
import { topologySchema } from "../../../src/topology";
import { validConfig } from "../../fixtures/config";

for (const tool of ["wg", "wg-quick", "wireguard-go", "ip", "ping"])
  if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0)
    throw new Error(
      `${tool} is required (Debian's wireguard-tools, wireguard-go, iproute2, iputils-ping; scripts/network-tools.sh installs them)`,
    );

const defaults = wireguardOptionsSchema.parse({});
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wireguard-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const KEY = "aGVsbG8gd29ybGQgdGhpcyBpcyBhIHRlc3Qga2V5IDE=";
const wireguardTopology = (hosts: Record<string, Record<string, unknown>> = {}) => {
  const base = validConfig().topology as { hosts: Record<string, Record<string, unknown>> };
  return {
    privateNetwork: "wireguard",
    hosts: Object.fromEntries(Object.entries(base.hosts).map(([name, h]) => [name, { ...h, ...hosts[name] }])),
  };
};

describe("wireguard options", () => {
  it("default to port 51820, a /24 private network, the kernel's module and a 25 s keepalive", () => {
    expect(defaults).toEqual({ port: 51820, prefixLength: 24, implementation: "kernel", persistentKeepaliveSeconds: 25 });
    expect(packages(defaults)).toEqual(["wireguard-tools"]);
    expect(packages(wireguardOptionsSchema.parse({ implementation: "userspace" }))).toEqual(["wireguard-tools", "wireguard-go"]);
  });
  it("refuse what WireGuard would not take, naming the field", () => {
    expect(wireguardOptionsSchema.safeParse({ port: 70000 }).error?.issues[0].path).toEqual(["port"]);
    expect(wireguardOptionsSchema.safeParse({ implementation: "boringtun" }).error?.issues[0].path).toEqual(["implementation"]);
    expect(wireguardOptionsSchema.safeParse({ listenPort: 1 }).success).toBe(false);
  });
});

describe("the topology with privateNetwork: wireguard", () => {
  it("is provider by default", () => {
    expect(topologySchema.parse(validConfig().topology).privateNetwork).toBe("provider");
  });
  it("needs IPv4 public addresses (the firewall admits WireGuard's packets by address), naming the host's field", () => {
    const r = topologySchema.safeParse(wireguardTopology({ vps2: { address: "vps2.example.com" } }));
    expect(r.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["hosts.vps2.address", "must be an IPv4 address with privateNetwork: wireguard"],
    ]);
  });
  it("refuses a private address that is a host's public one", () => {
    const r = topologySchema.safeParse(wireguardTopology({ vps1: { privateAddress: "192.0.2.12" } }));
    expect(r.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["hosts.vps1.privateAddress", "is vps2's public address; with privateNetwork: wireguard the private addresses are the tunnel's own"],
    ]);
  });
});

describe("the firewall over a WireGuard network", () => {
  const config = (host: string) => parseStackConfig({ ...validConfig(), host, topology: wireguardTopology(), firewall: {} });
  const of = (host: string) => {
    const c = config(host);
    return openings(hostListeners(c, host), firewallOptionsSchema.parse({}), (from, network) => addressesOf(c, from, network));
  };
  it("opens WireGuard's port to the topology's public addresses, and SSH too (it builds the network and carries the backups)", () => {
    const vps1 = of("vps1");
    expect(vps1.find((o) => o.what.startsWith("wireguard"))).toEqual({
      what: "wireguard wireguard (wireguard.port)",
      protocol: "udp",
      port: 51820,
      from: ["192.0.2.11", "192.0.2.12"],
    });
    expect(vps1.find((o) => o.what.startsWith("ssh"))?.from).toEqual(["0.0.0.0/0", "::/0", "192.0.2.11", "192.0.2.12"]);
    // Everything else still only from private addresses: node-exporter to the observability host's.
    expect(vps1.find((o) => o.what.startsWith("nodeExporter"))?.from).toEqual(["10.0.0.2"]);
  });
  it("has no WireGuard opening with the provider's network", () => {
    const c = parseStackConfig({ ...validConfig(), firewall: {} });
    expect(hostListeners(c, "vps1").map((l) => l.component)).not.toContain("wireguard");
  });
});

describe("the files", () => {
  it("are rendered from the options (golden)", async () => {
    await expect(renderInterface(defaults, "10.231.1.11")).toMatchFileSnapshot("golden/wg0.conf");
    await expect(
      renderPeer(defaults, { host: "vps2", publicKey: KEY, endpoint: "192.0.2.12:51820", privateAddress: "10.231.1.12" }),
    ).toMatchFileSnapshot("golden/vps2.conf");
    await expect(renderUnitFile(dropInSpec())).toMatchFileSnapshot("golden/10-openclaw.conf");
    await expect(renderSysctl()).toMatchFileSnapshot("golden/60-openclaw-infra-wireguard.conf");
  });
  it("leave the keepalive out when it is 0", () => {
    const entry = renderPeer(
      { ...defaults, persistentKeepaliveSeconds: 0 },
      { host: "vps2", publicKey: KEY, endpoint: "192.0.2.12:51820", privateAddress: "10.231.1.12" },
    );
    expect(entry).not.toContain("PersistentKeepalive");
  });
});

// Two hosts, a and b, as network namespaces of their own joined by a veth pair: their public
// addresses are 192.0.2.1 and .2, their private ones 10.99.0.1 and .2 on WireGuard interfaces
// (wireguard-go: this machine's kernel has no WireGuard module either). Each runs the scripts a
// deploy runs on it.
describe("two hosts' interfaces, keys and peer entries (real bash, wg, wg-quick and wireguard-go; network namespaces of their own)", () => {
  const id = `${process.pid}`;
  const hosts = {
    a: { ns: `wgt-a-${id}`, public: "192.0.2.1", private: "10.99.0.1" },
    b: { ns: `wgt-b-${id}`, public: "192.0.2.2", private: "10.99.0.2" },
  };
  // Interfaces of their own names: wireguard-go's control sockets share this machine's /run/wireguard.
  const at = (host: "a" | "b") => ({
    interface: `wg${host}${id}`.slice(0, 15),
    privateKey: path.join(dir, host, "private.key"),
    peers: path.join(dir, host, "peers"),
  });
  const run = (host: "a" | "b", script: string, stdin = "") =>
    spawnSync("ip", ["netns", "exec", hosts[host].ns, "bash", "-euo", "pipefail", "-c", script], { input: stdin, encoding: "utf8" });
  const must = (host: "a" | "b", script: string, stdin = "") => {
    const r = run(host, script, stdin);
    if (r.status !== 0) throw new Error(`${host}: failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
    return r.stdout.trim();
  };
  /** Whether `from` reaches `to`'s private address (the first packet waits for the handshake). */
  const ping = (from: "a" | "b", to: "a" | "b") => run(from, `ping -c 1 -W 2 ${hosts[to].private}`).status === 0;

  afterAll(() => {
    // Deleting the interface ends its wireguard-go, which would otherwise keep the namespace.
    for (const host of ["a", "b"] as const) {
      spawnSync("ip", ["netns", "exec", hosts[host].ns, "ip", "link", "del", at(host).interface]);
      spawnSync("ip", ["netns", "del", hosts[host].ns]);
    }
  });

  /** Key, interface (wg-quick up from the rendered file) on one host; its public key. */
  function bringUp(host: "a" | "b"): string {
    const publicKey = must(host, keyScript(at(host)));
    const config = path.join(dir, host, `${at(host).interface}.conf`);
    fs.writeFileSync(config, renderInterface(defaults, hosts[host].private, at(host)), { mode: 0o600 });
    must(host, `wg-quick up ${config} 2>&1`);
    return publicKey;
  }

  /** `from`'s entry on `on`, as from's stack writes it there. */
  const entry = (from: "a" | "b", publicKey: string) =>
    renderPeer(defaults, { host: from, publicKey, endpoint: `${hosts[from].public}:51820`, privateAddress: hosts[from].private });

  it("connect once each holds the other's entry; a rebuilt host's new key replaces its old entry; the key's facts are root's 0600", () => {
    spawnSync("ip", ["netns", "add", hosts.a.ns]);
    spawnSync("ip", ["netns", "add", hosts.b.ns]);
    must("a", `ip link add veth-a type veth peer name veth-b netns ${hosts.b.ns}`);
    must("a", `ip addr add ${hosts.a.public}/24 dev veth-a && ip link set veth-a up && ip link set lo up`);
    must("b", `ip addr add ${hosts.b.public}/24 dev veth-b && ip link set veth-b up && ip link set lo up`);

    // b deploys first and writes its entry on a, which has no interface yet: the file alone.
    const keyB = bringUp("b");
    expect(keyB).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(must("a", peerScripts({ host: "b", privateAddress: hosts.b.private }, at("a")).create, entry("b", keyB))).not.toContain(
      "is a peer",
    );
    expect(ping("b", "a")).toBe(false);

    // a comes up, loading b's entry; its own entry on b is applied to b's running interface.
    const keyA = bringUp("a");
    expect(must("b", peerScripts({ host: "a", privateAddress: hosts.a.private }, at("b")).create, entry("a", keyA))).toContain(
      `a is a peer of ${at("b").interface}`,
    );
    expect(ping("a", "b")).toBe(true);
    expect(ping("b", "a")).toBe(true);
    expect(must("a", keyCheck(at("a")))).toBe("key=present\nmode=600\nowner=root:root");
    // The key step again: the same key.
    expect(must("a", keyScript(at("a")))).toBe(keyA);

    // a is rebuilt: a new key; its entry on b replaces the old key's.
    must("a", `wg-quick down ${path.join(dir, "a", `${at("a").interface}.conf`)} 2>&1; rm -f ${at("a").privateKey}`);
    const newKeyA = bringUp("a");
    expect(newKeyA).not.toBe(keyA);
    must("b", peerScripts({ host: "a", privateAddress: hosts.a.private }, at("b")).create, entry("a", newKeyA));
    expect(must("b", `wg show ${at("b").interface} peers`).split("\n")).toEqual([newKeyA]);
    expect(ping("a", "b")).toBe(true);

    // a's stack destroyed: its entry leaves b, and b no longer reaches a.
    must("b", peerScripts({ host: "a", privateAddress: hosts.a.private }, at("b")).delete);
    expect(must("b", `wg show ${at("b").interface} peers`)).toBe("");
    expect(fs.existsSync(path.join(at("b").peers, "a.conf"))).toBe(false);
    expect(ping("b", "a")).toBe(false);
  });
});
