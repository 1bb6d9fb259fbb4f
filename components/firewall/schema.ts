// The host firewall's options (`openclaw-infra:firewall`): who may reach SSH and the operator's
// UIs directly. Every other opening comes from the listeners the components declare.
import { isIP } from "net";
import { z } from "zod";

/** An IPv4 or IPv6 address, or a network in CIDR notation. */
export const cidr = z.string().refine((value) => {
  const [address, prefix, ...rest] = value.split("/");
  const family = isIP(address);
  if (!family || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}, "must be an IP address or a network like 10.0.0.0/8 or 2001:db8::/32");

export const firewallOptionsSchema = z
  .object({
    /** Who may open SSH connections (the deploy's own address must be among them); the topology's hosts always may (backups). */
    sshFrom: z.array(cidr).min(1).default(["0.0.0.0/0", "::/0"]),
    /** Who may reach the operator's UIs (Prometheus, Alertmanager, Grafana, Loki's API) directly; none: only through an SSH tunnel. */
    operatorFrom: z.array(cidr).default([]),
    /** Seconds a new rule set waits for a new SSH connection to confirm it; then the host restores the previous one. */
    confirmSeconds: z.number().int().min(10).max(600).default(30),
  })
  .strict();

export type FirewallOptions = z.input<typeof firewallOptionsSchema>;
export type FirewallSettings = z.output<typeof firewallOptionsSchema>;
