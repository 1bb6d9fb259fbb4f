// NodeExporter's options: Debian's prometheus-node-exporter on one address of the host, its
// collectors, its hardening. Typed, defaulted and validated before any resource exists.
import { z } from "zod";

export const DEFAULT_PORT = 9100;

const ipv4Message = "must be an IPv4 address like 10.0.0.1";

/** The options an operator sets (stack config `openclaw-infra:nodeExporter`). */
export const nodeExporterOptionsSchema = z
  .object({
    /** TCP port on listenAddress. Not below 1024: the hardened unit has no capability to bind one. */
    port: z.number().int().min(1024).max(65535).default(DEFAULT_PORT),
    /**
     * Collectors that are on by default to switch off (`--no-collector.<name>`), e.g. ["zfs"].
     * The installed binary checks the names on the host before they are used, so a name it does
     * not know fails the deploy with its own message and changes nothing.
     */
    disableCollectors: z
      .array(z.string().regex(/^[a-z][a-z0-9_]*$/, "must be a collector name like zfs (prometheus-node-exporter --help lists them)"))
      .default([]),
    /**
     * The sandboxing drop-in (systemd-analyze security: 1.7 instead of the package's 9.2). Only
     * turn off while debugging a collector you suspect it breaks.
     */
    hardening: z.boolean().default(true),
  })
  .strict()
  .superRefine((o, ctx) => {
    const seen = new Set<string>();
    o.disableCollectors.forEach((name, i) => {
      if (seen.has(name)) ctx.addIssue({ code: "custom", path: ["disableCollectors", i], message: `${name} is listed twice` });
      seen.add(name);
    });
  });

/** Everything the component needs: the options plus what the topology decides. */
export const nodeExporterArgsSchema = nodeExporterOptionsSchema.safeExtend({
  /**
   * The one address it listens on: the host's private address, from the topology. Never
   * 0.0.0.0: node-exporter tells anyone who reaches it a lot about the host.
   */
  listenAddress: z
    .ipv4({ error: (issue) => (issue.input === undefined ? "is required: the host's private address, e.g. 10.0.0.1" : ipv4Message) })
    .refine((address) => address !== "0.0.0.0", "must be one address of the host, not 0.0.0.0 (every address)"),
  /**
   * Peers that may connect (IPv4 addresses or ranges, e.g. the Prometheus host's private
   * address); the host itself always may. Enforced by systemd (IPAddressDeny=any +
   * IPAddressAllow=), with or without hardening, through cgroup v2 BPF: a kernel that refuses
   * BPF to systemd (inside a container like the sandbox's hosts) leaves it unenforced.
   * Empty: whoever reaches listenAddress.
   */
  allowFrom: z
    .array(z.union([z.ipv4(), z.cidrv4()], { error: "must be an IPv4 address or range like 10.0.0.2 or 10.0.0.0/24" }))
    .default([]),
});

export type NodeExporterOptions = z.input<typeof nodeExporterOptionsSchema>;
export type NodeExporterArgsOptions = z.input<typeof nodeExporterArgsSchema>;
export type NodeExporterSettings = z.output<typeof nodeExporterArgsSchema>;
