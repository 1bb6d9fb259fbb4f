// The host system's options (`openclaw-infra:system`): which operating systems a host may run.
import { z } from "zod";

/** The systems the components are written and tested for: /etc/os-release's ID and VERSION_ID. */
export const SUPPORTED_SYSTEMS = [{ id: "debian", versionId: "13", name: "Debian 13 (trixie)" }] as const;

export const systemOptionsSchema = z
  .object({
    /**
     * Deploy onto a system the list does not hold anyway (the first step then only warns): for
     * trying another Debian-like system, at the operator's risk. Off: such a host is refused.
     */
    allowUnsupported: z.boolean().default(false),
  })
  .strict();

export type SystemOptions = z.input<typeof systemOptionsSchema>;
export type SystemSettings = z.output<typeof systemOptionsSchema>;
