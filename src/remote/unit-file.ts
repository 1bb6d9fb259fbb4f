// systemd unit files and drop-ins rendered from data: sections of directives in the order
// given, with the shared hardening policy appended to [Service]. Deterministic, so a preview
// diff shows exactly the directive that changes.
import { Directive } from "../hardening";

/** A directive, or a comment (one or more lines) placed before the next directive. */
export type UnitLine = Directive | { comment: string };

export interface UnitSpec {
  /** Comment lines above the first section. */
  header?: string[];
  /** Sections in file order, e.g. { Unit: [...], Service: [...], Install: [...] }. */
  sections: Record<string, UnitLine[]>;
  /** Sandboxing directives appended to [Service] (src/hardening.ts); empty or absent for none. */
  hardening?: Directive[];
}

/** The first line of every file we manage on a host. */
export const MANAGED_HEADER = "Managed by openclaw-infra (Pulumi): changes here are overwritten on the next `pulumi up`.";

/** What our own services share: started at boot once the network is up, logging to the journal. */
export interface ServiceUnit {
  description: string;
  documentation: string;
  /** [Service] after Type=exec. */
  service: UnitLine[];
  hardening?: Directive[];
}

export function serviceUnit(u: ServiceUnit): UnitSpec {
  return {
    header: [MANAGED_HEADER],
    sections: {
      Unit: [
        ["Description", u.description],
        ["Documentation", u.documentation],
        ["After", "network-online.target"],
        ["Wants", "network-online.target"],
      ],
      Service: [["Type", "exec"], ...u.service],
      Install: [["WantedBy", "multi-user.target"]],
    },
    hardening: u.hardening,
  };
}

/**
 * The timer of a oneshot only it starts (a backup job): `calendar` is OnCalendar=, and a run
 * missed while the host was off happens at the next boot.
 */
export function calendarTimer(description: string, calendar: string): UnitSpec {
  return {
    header: [MANAGED_HEADER],
    sections: {
      Unit: [["Description", `${description}: ${calendar}`]],
      Timer: [
        ["OnCalendar", calendar],
        { comment: "A run missed while the host was off happens at the next boot." },
        ["Persistent", "true"],
      ],
      Install: [["WantedBy", "timers.target"]],
    },
  };
}

const comments = (text: string) => text.split("\n").map((line) => `# ${line}`.trimEnd());

export function renderUnitFile(spec: UnitSpec): string {
  const out: string[] = (spec.header ?? []).flatMap(comments);
  if (spec.hardening?.length && !spec.sections.Service) throw new Error("a unit with hardening needs a [Service] section");
  Object.entries(spec.sections).forEach(([name, lines], i) => {
    if (i > 0) out.push("");
    out.push(`[${name}]`);
    const all: UnitLine[] = name === "Service" ? [...lines, ...(spec.hardening ?? [])] : lines;
    for (const line of all) {
      if ("comment" in line) {
        out.push(...comments(line.comment));
        continue;
      }
      const [key, value] = line;
      // A line break would end the directive early and start another one of the value's choosing.
      if (/[\r\n]/.test(key + value)) throw new Error(`[${name}] ${key}= has a line break in its key or value`);
      out.push(`${key}=${value}`);
    }
  });
  return out.join("\n") + "\n";
}
