// systemd unit files and drop-ins rendered from data: sections of directives in the order
// given, with the shared hardening policy appended to [Service]. Deterministic, so a preview
// diff shows exactly the directive that changes.
import { Directive } from "../hardening";

/** A directive, or a comment line placed before the next directive. */
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

export function renderUnitFile(spec: UnitSpec): string {
  const out: string[] = (spec.header ?? []).map((line) => `# ${line}`.trimEnd());
  const sections = Object.entries(spec.sections);
  if (spec.hardening?.length && !spec.sections.Service) throw new Error("a unit with hardening needs a [Service] section");
  sections.forEach(([name, lines], i) => {
    if (i > 0) out.push("");
    out.push(`[${name}]`);
    const all: UnitLine[] = name === "Service" ? [...lines, ...(spec.hardening ?? [])] : lines;
    for (const line of all) {
      if ("comment" in line) out.push(`# ${line.comment}`.trimEnd());
      else out.push(`${line[0]}=${line[1]}`);
    }
  });
  return out.join("\n") + "\n";
}
