// Pure rendering of the host's nftables rule set from the listeners the topology declares.
// Golden-file tested, and checked by the real `nft -c` in the tests.
import { BlockList, isIP } from "net";
import type { HostListener, Peer } from "../../src/registry/types";
import { MANAGED_HEADER } from "../../src/remote/unit-file";
import { FirewallSettings } from "./schema";

export const PATHS = {
  /** What nftables.service loads at boot (Debian's), and what the deploy loads. */
  rules: "/etc/nftables.conf",
  unit: "nftables.service",
} as const;

/** The one table this program owns: other tables (a container runtime's) are left alone. */
export const TABLE = "inet openclaw_infra";

/** One opening of the firewall: a port, to the addresses that may use it. */
export interface Opening {
  /** What it is for, the rule's comment: "loki http (loki.port)". */
  what: string;
  protocol: "tcp" | "udp";
  port: number;
  /** Addresses and networks, in order; none: no rule (reached through an SSH tunnel only). */
  from: string[];
}

/**
 * What the host opens, from its listeners: each only to the hosts that use it (`addressesOf`
 * says which addresses a peer has), the operator's UIs to `operatorFrom`, SSH to `sshFrom` and
 * the topology's hosts (backups go over SFTP). A loopback listener needs no opening.
 */
export function openings(
  listeners: readonly HostListener[],
  s: FirewallSettings,
  addressesOf: (from: readonly Peer[], network?: HostListener["network"]) => string[],
): Opening[] {
  return listeners
    .filter((l) => l.address !== "loopback")
    .map((l) => {
      const ssh = l.component === "ssh";
      const from = l.from.flatMap((peer) => (peer === "operator" ? (ssh ? s.sshFrom : s.operatorFrom) : addressesOf([peer], l.network)));
      return { what: `${l.component} ${l.name} (${l.setting})`, protocol: l.protocol, port: l.port, from: [...new Set(from)] };
    });
}

const family = (address: string) => (isIP(address.split("/")[0]) === 6 ? "ip6" : "ip");

/** Whether network (or address) `outer` holds all of `inner`. */
function covers(outer: string, inner: string): boolean {
  const [o, i] = [outer, inner].map((a) => {
    const [address, prefix] = a.split("/");
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    return { address, type, prefix: prefix === undefined ? (type === "ipv6" ? 128 : 32) : Number(prefix) } as const;
  });
  if (o.type !== i.type || o.prefix > i.prefix) return false;
  const list = new BlockList();
  list.addSubnet(o.address, o.prefix, o.type);
  return list.check(i.address, i.type);
}

/**
 * The addresses as nftables keeps them: those another one of the list holds are left out, as
 * nft would merge them, so the file lists the same as the kernel (refresh compares the two).
 */
function merged(addresses: string[]): string[] {
  return addresses.filter((a, n) => !addresses.some((b, m) => m !== n && covers(b, a) && !(covers(a, b) && m > n)));
}

/** The rules of one opening: one per address family it admits, or none. */
function rules(o: Opening): string[] {
  if (o.from.length === 0) return [`# ${o.what}: no one but this host (an SSH tunnel reaches it)`];
  return [
    `# ${o.what}`,
    ...(["ip", "ip6"] as const).flatMap((f) => {
      const addresses = merged(o.from.filter((a) => family(a) === f));
      const from = addresses.length === 1 ? addresses[0] : `{ ${addresses.join(", ")} }`;
      return addresses.length ? [`${f} saddr ${from} ${o.protocol} dport ${o.port} accept`] : [];
    }),
  ];
}

/**
 * The rule set: inbound dropped but for established traffic, loopback, the ICMP a network needs
 * (errors, path MTU, IPv6 neighbour discovery, echo) and the openings. The file replaces this
 * program's table and only it, in one transaction (declare, delete, define), so loading it
 * twice is the same as once.
 */
export function renderRules(openings: readonly Opening[]): string {
  const body = [
    "type filter hook input priority filter; policy drop;",
    "ct state established,related accept",
    "ct state invalid drop",
    'iif "lo" accept',
    "icmp type { echo-request, destination-unreachable, time-exceeded, parameter-problem } accept",
    "icmpv6 type { echo-request, destination-unreachable, packet-too-big, time-exceeded, parameter-problem, nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } accept",
    ...openings.flatMap(rules),
  ];
  return [
    "#!/usr/sbin/nft -f",
    `# ${MANAGED_HEADER}`,
    "# Every port this host opens, each only to those that use it.",
    `table ${TABLE}`,
    `delete table ${TABLE}`,
    `table ${TABLE} {`,
    "\tchain input {",
    ...body.map((line) => `\t\t${line}`),
    "\t}",
    "}",
    "",
  ].join("\n");
}

/** Debian's own /etc/nftables.conf, which a destroy puts back: it accepts everything. */
export const STOCK_RULES = `#!/usr/sbin/nft -f

flush ruleset

table inet filter {
\tchain input {
\t\ttype filter hook input priority filter;
\t}
\tchain forward {
\t\ttype filter hook forward priority filter;
\t}
\tchain output {
\t\ttype filter hook output priority filter;
\t}
}
`;
