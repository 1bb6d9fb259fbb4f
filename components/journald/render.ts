// Pure rendering of journald's drop-in from its settings. Golden-file tested.
import { MANAGED_HEADER, renderUnitFile } from "../../src/remote/unit-file";
import { JournaldSettings } from "./schema";

export const PATHS = {
  /** A drop-in of journald.conf: the Debian file stays as shipped. */
  dropIn: "/etc/systemd/journald.conf.d/60-openclaw.conf",
  unit: "systemd-journald.service",
} as const;

/** The drop-in: a [Journal] section in the syntax of unit files. */
export function renderDropIn(s: JournaldSettings): string {
  return renderUnitFile({
    header: [MANAGED_HEADER, "Limits of the systemd journal (see journald.conf(5))."],
    sections: {
      Journal: [
        ["Storage", s.storage],
        ["SystemMaxUse", s.systemMaxUse],
        ["SystemKeepFree", s.systemKeepFree],
        ["SystemMaxFileSize", s.systemMaxFileSize],
        ["MaxRetentionSec", `${s.maxRetentionDays}day`],
        ["Compress", s.compress ? "yes" : "no"],
      ],
    },
  });
}
