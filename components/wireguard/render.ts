// Pure rendering of the private network's files: the interface (wg-quick's INI format, which
// unit files share), each peer's entry, the unit's hardening drop-in, and the key and peer
// scripts. Golden-file tested; the tests bring two interfaces up from them (wg-quick and
// wireguard-go, in network namespaces of their own) and send packets through.
import { hardening } from "../../src/hardening";
import { fileFacts, fileFactsScript, writeFileScript } from "../../src/remote/file";
import { script, sh } from "../../src/remote/shell";
import { MANAGED_HEADER, renderUnitFile, UnitSpec } from "../../src/remote/unit-file";
import { WireguardSettings } from "./schema";

/** The interface, as every host names it. */
export const INTERFACE = "wg0";

export const PATHS = {
  /** wg-quick's configuration: the interface, with no key in it. */
  config: `/etc/wireguard/${INTERFACE}.conf`,
  /** Made on the host, read by root only, never sent anywhere: only its public half leaves. */
  privateKey: "/etc/wireguard/private.key",
  /** One file per other host, written by that host's stack: its key, endpoint and address. */
  peers: `/etc/wireguard/${INTERFACE}.peers`,
  /** Debian's wireguard-tools unit. */
  unit: `wg-quick@${INTERFACE}.service`,
  dropIn: "10-openclaw",
  /** Services bind the private address before the interface holds it (at boot): the kernel lets them. */
  sysctl: "/etc/sysctl.d/60-openclaw-infra-wireguard.conf",
} as const;

/** The interface and where the key and the peers are: the host's, or the tests' own. */
export interface Layout {
  interface: string;
  privateKey: string;
  peers: string;
}

export const LAYOUT: Layout = { interface: INTERFACE, privateKey: PATHS.privateKey, peers: PATHS.peers };

/** `host`'s entry on another host. */
export const peerPath = (host: string, at: Layout = LAYOUT) => `${at.peers}/${host}.conf`;

/** wireguard-tools always (wg, wg-quick, the unit); Debian's wireguard-go for a kernel without the module. */
export function packages(s: WireguardSettings): string[] {
  return s.implementation === "userspace" ? ["wireguard-tools", "wireguard-go"] : ["wireguard-tools"];
}

/** This host's peer entry on another host: the file name there, and what a peer needs of it. */
export interface PeerEntry {
  /** The topology's name of the host the entry describes. */
  host: string;
  publicKey: string;
  /** Its public address and port: where its WireGuard packets come from and go to. */
  endpoint: string;
  privateAddress: string;
}

/**
 * The interface: the host's private address in the private network, the port, and the hooks
 * that give it its key (from the file, so the configuration holds none) and its peers (every
 * file other hosts' stacks wrote). The network's route comes with the address: peers added
 * later, by hand or by another stack, are reachable at once.
 */
export function renderInterface(s: WireguardSettings, privateAddress: string, at: Layout = LAYOUT): string {
  return renderUnitFile({
    header: [MANAGED_HEADER, "The private network between the topology's hosts (topology.privateNetwork: wireguard)."],
    sections: {
      Interface: [
        ["Address", `${privateAddress}/${s.prefixLength}`],
        ["ListenPort", String(s.port)],
        { comment: "The key stays in its own file, root's alone; the peers are one file each." },
        ["PostUp", `wg set %i private-key ${at.privateKey}`],
        ["PostUp", `for peer in ${at.peers}/*.conf; do [ ! -e "$peer" ] || wg addconf %i "$peer"; done`],
      ],
    },
  });
}

export function renderPeer(s: WireguardSettings, peer: PeerEntry): string {
  return renderUnitFile({
    header: [MANAGED_HEADER, `${peer.host}'s entry, written by ${peer.host}'s stack.`],
    sections: {
      Peer: [
        ["PublicKey", peer.publicKey],
        ["Endpoint", peer.endpoint],
        ["AllowedIPs", `${peer.privateAddress}/32`],
        ...(s.persistentKeepaliveSeconds > 0 ? [["PersistentKeepalive", String(s.persistentKeepaliveSeconds)] as [string, string]] : []),
      ],
    },
  });
}

export const renderSysctl = () =>
  [
    `# ${MANAGED_HEADER}`,
    "# Services bind the private address, which appears when the WireGuard interface comes up: at",
    "# boot they may start first.",
    "net.ipv4.ip_nonlocal_bind = 1",
    "",
  ].join("\n");

/**
 * The shared policy, less what making a network interface needs: root with CAP_NET_ADMIN alone
 * (wg-quick insists on root), the host's network (PrivateUsers would take the capability's
 * effect away), and /dev/net/tun for wireguard-go, whose control socket lives in /run/wireguard.
 */
export function dropInSpec(): UnitSpec {
  const policy = hardening().filter(
    ([key]) => !["PrivateUsers", "PrivateDevices", "CapabilityBoundingSet", "AmbientCapabilities"].includes(key),
  );
  return {
    header: [MANAGED_HEADER],
    sections: {
      Service: [
        { comment: "Sandboxing: the shared policy (src/hardening.ts), less what making an interface needs." },
        ["CapabilityBoundingSet", "CAP_NET_ADMIN"],
        ["DeviceAllow", "/dev/net/tun rw"],
        ["RuntimeDirectory", "wireguard"],
        ["RuntimeDirectoryPreserve", "yes"],
      ],
    },
    hardening: policy,
  };
}

const dirOf = (path: string) => path.replace(/\/[^/]+$/, "");

/** Makes the key once (a wiped host gets a new one) and prints its public half, the step's result. */
export function keyScript(at: Layout = LAYOUT): string {
  return script(
    `install -d -m 0700 ${sh(dirOf(at.privateKey))}`,
    `if [ ! -s ${sh(at.privateKey)} ]; then`,
    `  (umask 077; wg genkey > ${sh(at.privateKey)})`,
    `  echo "made ${at.privateKey}" >&2`,
    `fi`,
    `chmod 0600 ${sh(at.privateKey)}`,
    `wg pubkey < ${sh(at.privateKey)}`,
  );
}

export const keyCheck = (at: Layout = LAYOUT) =>
  script(
    `if [ -s ${sh(at.privateKey)} ]; then stat --printf 'key=present\\nmode=%a\\nowner=%U:%G\\n' ${sh(at.privateKey)}; else echo key=missing; fi`,
  );
export const keyObserved = () => "key=present\nmode=600\nowner=root:root";

/**
 * Writes this host's entry on another host and, when that host's interface is up, applies it:
 * the peers holding this host's private address under another key (before a rebuild made a new
 * one) go first.
 */
export function peerScripts(
  peer: Pick<PeerEntry, "host" | "privateAddress">,
  at: Layout = LAYOUT,
): { create: string; delete: string; check: string; observed: string } {
  const path = peerPath(peer.host, at);
  const iface = sh(at.interface);
  const stale = `wg show ${iface} allowed-ips | awk -v ip=${sh(`${peer.privateAddress}/32`)} '$2 == ip { print $1 }'`;
  return {
    create: script(
      `install -d -m 0700 ${sh(dirOf(at.peers))} ${sh(at.peers)}`,
      writeFileScript(path, "root", "root", "0600"),
      `if ip link show ${iface} >/dev/null 2>&1; then`,
      `  key=$(sed -n 's/^PublicKey=//p' ${sh(path)})`,
      `  for old in $(${stale}); do [ "$old" = "$key" ] || wg set ${iface} peer "$old" remove; done`,
      `  wg addconf ${iface} ${sh(path)}`,
      `  echo "${peer.host} is a peer of ${at.interface}"`,
      `fi`,
    ),
    delete: script(
      `if ip link show ${iface} >/dev/null 2>&1; then`,
      `  for old in $(${stale}); do wg set ${iface} peer "$old" remove; done`,
      `fi`,
      `rm -f ${sh(path)}`,
    ),
    check: fileFactsScript(path),
    observed: fileFacts({ mode: "0600" }),
  };
}
