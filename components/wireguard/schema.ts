// WireGuard's options (`openclaw-infra:wireguard`), used when the topology's privateNetwork is
// `wireguard`: every host's privateAddress then lives on an encrypted interface between the hosts.
import { z } from "zod";

export const wireguardOptionsSchema = z
  .object({
    /** UDP port the interface listens on; the firewall opens it to the other hosts' public addresses only. */
    port: z.number().int().min(1).max(65535).default(51820),
    /** Prefix length of the private network: every host's privateAddress is in one network of this size. */
    prefixLength: z.number().int().min(8).max(30).default(24),
    /**
     * kernel: the module Debian's kernel ships. userspace: Debian's wireguard-go, for a kernel
     * without the module (a container, as the sandbox's hosts are); wg-quick turns to it when the
     * kernel refuses the interface, with the same configuration.
     */
    implementation: z.enum(["kernel", "userspace"]).default("kernel"),
    /** Seconds between keepalives, so a peer behind NAT stays reachable; 0: none. */
    persistentKeepaliveSeconds: z.number().int().min(0).max(3600).default(25),
  })
  .strict();

export type WireguardOptions = z.input<typeof wireguardOptionsSchema>;
export type WireguardSettings = z.output<typeof wireguardOptionsSchema>;
