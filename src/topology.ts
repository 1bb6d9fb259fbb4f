// The topology: which hosts exist, how they are reached and which roles each runs. Declared
// once (Pulumi.yaml project config) and read by every stack; peer addresses derive from it and
// from the listeners each registry entry declares (src/registry/walkers.ts).
import { z } from "zod";

export const ROLES = ["gateway", "observability", "database"] as const;
export type Role = (typeof ROLES)[number];

export const hostName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "must be a lowercase host name");
const ipv4 = z.ipv4({ error: "must be an IPv4 address" });
const hostKey = z
  .string()
  .regex(/^(ssh-ed25519|ecdsa-sha2-nistp256|ssh-rsa) [A-Za-z0-9+/=]+$/, "must be an SSH public host key: '<type> <base64>'");

export const topologyHostSchema = z
  .object({
    /** Address the operator's machine reaches over SSH. */
    address: z
      .string()
      .refine((v) => z.ipv4().safeParse(v).success || z.hostname().safeParse(v).success, "must be an IPv4 address or a DNS name"),
    /** Address on the private network between the hosts; peers talk here. */
    privateAddress: ipv4,
    sshPort: z.number().int().min(1).max(65535).default(22),
    /** Pinned SSH host key. Without it any key is accepted, so it is required. */
    hostKey,
    roles: z.array(z.enum(ROLES)).min(1, "must list at least one role"),
  })
  .strict();

/**
 * What carries the private addresses between the hosts: the provider's private network, or
 * (wireguard) an encrypted WireGuard interface on each host over their public addresses, for a
 * provider network that is shared or unencrypted, or none at all (`openclaw-infra:wireguard`).
 */
export const PRIVATE_NETWORKS = ["provider", "wireguard"] as const;

export const topologySchema = z
  .object({
    hosts: z.record(hostName, topologyHostSchema).refine((hosts) => Object.keys(hosts).length > 0, "must declare at least one host"),
    privateNetwork: z.enum(PRIVATE_NETWORKS).default("provider"),
  })
  .strict()
  .superRefine((topology, ctx) => {
    for (const role of ["observability", "database"] as const) {
      const holders = Object.keys(topology.hosts).filter((name) => topology.hosts[name].roles.includes(role));
      if (holders.length > 1)
        ctx.addIssue({ code: "custom", path: ["hosts"], message: `role '${role}' is on ${holders.join(" and ")}; it must be on one host` });
    }
    const seen = new Map<string, string>();
    for (const [name, host] of Object.entries(topology.hosts)) {
      const other = seen.get(host.privateAddress);
      if (other) {
        ctx.addIssue({ code: "custom", path: ["hosts", name, "privateAddress"], message: `is also the private address of ${other}` });
      }
      seen.set(host.privateAddress, name);
    }
    if (topology.privateNetwork === "wireguard") {
      const publicAddresses = new Map(Object.entries(topology.hosts).map(([name, h]) => [h.address, name]));
      for (const [name, host] of Object.entries(topology.hosts)) {
        // The firewall admits WireGuard's packets from the other hosts' addresses: addresses, not names.
        if (!z.ipv4().safeParse(host.address).success)
          ctx.addIssue({
            code: "custom",
            path: ["hosts", name, "address"],
            message: "must be an IPv4 address with privateNetwork: wireguard",
          });
        const owner = publicAddresses.get(host.privateAddress);
        if (owner)
          ctx.addIssue({
            code: "custom",
            path: ["hosts", name, "privateAddress"],
            message: `is ${owner}'s public address; with privateNetwork: wireguard the private addresses are the tunnel's own`,
          });
      }
    }
  });

export type Topology = z.infer<typeof topologySchema>;
export type TopologyHost = z.infer<typeof topologyHostSchema>;

/**
 * OTLP/HTTP URLs, one per signal, each the receiver of the store that keeps it, or of the
 * collector that writes it there: Debian's Prometheus (2.53.3+ds1) has no OTLP receiver.
 */
export interface OtlpSignalEndpoints {
  /** Tempo's OTLP/HTTP receiver. */
  traces: string;
  /** The OpenTelemetry Collector's OTLP/HTTP receiver, which writes to Prometheus. */
  metrics: string;
  /** Loki's OTLP ingestion endpoint. */
  logs: string;
}

/** The hosts with `role`, in the order the topology declares them. */
export function hostsWithRole(topology: Topology, role: Role): string[] {
  return Object.keys(topology.hosts).filter((name) => topology.hosts[name].roles.includes(role));
}

/** The one host with `role`, or undefined when none has it; two is a topology error. */
export function hostWithRole(topology: Topology, role: Role): string | undefined {
  const hosts = hostsWithRole(topology, role);
  if (hosts.length > 1) throw new Error(`topology: role '${role}' is on ${hosts.join(" and ")}; it must be on one host`);
  return hosts[0];
}
