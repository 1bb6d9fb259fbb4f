// The first step on a host: /etc/os-release against the supported systems, before anything is
// changed. The tests run it with os-release files of their own.
import { script, sh } from "../../src/remote/shell";
import { SUPPORTED_SYSTEMS, SystemSettings } from "./schema";

export const OS_RELEASE = "/etc/os-release";

const supportedNames = SUPPORTED_SYSTEMS.map((s) => s.name).join(", ");

/** Prints the system's name; an unsupported one fails in one line naming it (or warns, with allowUnsupported). */
export function checkScript(host: string, s: SystemSettings, osRelease = OS_RELEASE): string {
  const matches = SUPPORTED_SYSTEMS.map((sys) => `[ "$ID:$VERSION_ID" = ${sh(`${sys.id}:${sys.versionId}`)} ]`).join(" || ");
  const refusal = `${host} runs $system: openclaw-infra supports ${supportedNames}`;
  return script(
    `ID=""; VERSION_ID=""; PRETTY_NAME=""`,
    `[ -r ${sh(osRelease)} ] && . ${sh(osRelease)}`,
    `system=\${PRETTY_NAME:-"an unknown system (no ${osRelease})"}`,
    `if ${matches}; then echo "$system"; exit 0; fi`,
    s.allowUnsupported
      ? `echo "warning: ${refusal} (system.allowUnsupported: true)" >&2; echo "$system"`
      : `echo "${refusal}; set system.allowUnsupported to try it anyway" >&2; exit 1`,
  );
}

/** What refresh prints: whether the host still runs a supported system (an upgrade in place can change it). */
export function factsScript(osRelease = OS_RELEASE): string {
  const matches = SUPPORTED_SYSTEMS.map((sys) => `[ "$ID:$VERSION_ID" = ${sh(`${sys.id}:${sys.versionId}`)} ]`).join(" || ");
  return script(
    `ID=""; VERSION_ID=""`,
    `[ -r ${sh(osRelease)} ] && . ${sh(osRelease)}`,
    `if ${matches}; then echo supported=yes; else echo supported=no; fi`,
  );
}
