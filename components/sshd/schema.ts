// sshd's hardening options (`openclaw-infra:sshd`): a drop-in over Debian's sshd_config.
import { z } from "zod";

export const sshdOptionsSchema = z
  .object({
    /** MaxAuthTries: authentication attempts per connection. */
    maxAuthTries: z.number().int().min(1).max(10).default(3),
    /**
     * AllowTcpForwarding: "local" lets the operator reach the UIs that listen on loopback through
     * an SSH tunnel (`ssh -L`); "no" forbids that too. The backup accounts' keys forbid it either way.
     */
    allowTcpForwarding: z.enum(["local", "no"]).default("local"),
    /** ClientAliveInterval, seconds: a dead client is noticed after three unanswered probes. */
    clientAliveInterval: z.number().int().min(0).max(3600).default(300),
  })
  .strict();

export type SshdOptions = z.input<typeof sshdOptionsSchema>;
export type SshdSettings = z.output<typeof sshdOptionsSchema>;
