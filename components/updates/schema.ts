// Security updates' options (`openclaw-infra:updates`): Debian's unattended-upgrades, limited to
// the security archive, and what happens when an update needs a reboot.
import { z } from "zod";

export const updatesOptionsSchema = z
  .object({
    /**
     * When an installed update needs a reboot (Debian policy 9.12: /run/reboot-required):
     * "never" (the metric openclaw_reboot_required and the alert RebootRequired say so, the
     * operator reboots) or "automatic" (unattended-upgrades reboots at rebootTime).
     */
    reboot: z.enum(["never", "automatic"]).default("never"),
    /** With reboot "automatic": the local time of day it reboots, "HH:MM". */
    rebootTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time of day like 04:00")
      .default("04:00"),
    /** Minutes between two readings of /run/reboot-required into the metric (and one at boot). */
    metricIntervalMinutes: z.number().int().min(1).max(1440).default(10),
  })
  .strict();

export type UpdatesOptions = z.input<typeof updatesOptionsSchema>;
export type UpdatesSettings = z.output<typeof updatesOptionsSchema>;
