// journald's limits on every host (seed 004: log rotation): how much disk the journal may take
// and how long entries are kept. journald rotates and deletes by these on its own.
import { z } from "zod";

const size = z.string().regex(/^\d+[KMGT]$/, "must be a size like 1G");

/** The options an operator sets in stack config (`openclaw-infra:journald`). */
export const journaldOptionsSchema = z
  .object({
    /** Storage=: "persistent" keeps the journal in /var/log/journal across reboots. */
    storage: z.enum(["persistent", "volatile", "auto"]).default("persistent"),
    /** SystemMaxUse=: the journal's largest size on disk. */
    systemMaxUse: size.default("1G"),
    /** SystemKeepFree=: disk space journald leaves free for everything else. */
    systemKeepFree: size.default("2G"),
    /** SystemMaxFileSize=: one journal file's size before it is rotated. */
    systemMaxFileSize: size.default("128M"),
    /** MaxRetentionSec=, in days: older entries are deleted. Loki keeps its own copy (loki.retentionDays). */
    maxRetentionDays: z.number().int().min(1).max(3650).default(30),
    /** Compress= of larger entries. */
    compress: z.boolean().default(true),
  })
  .strict();

export type JournaldOptions = z.input<typeof journaldOptionsSchema>;
export type JournaldSettings = z.output<typeof journaldOptionsSchema>;
