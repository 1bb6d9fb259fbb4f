// A health wait: poll until a URL answers with the expected body, or fail with the last
// journal lines of the unit so the deploy error says why.
import { script, sh } from "./shell";

export interface HttpHealthCheck {
  url: string;
  /** Extended regex the response body must match, e.g. '"ok": ?true'. */
  expect: string;
  unit: string;
  timeoutSeconds?: number;
  /** HTTP basic auth: `user` and the file on the host holding the password (read as root). */
  basicAuth?: { user: string; passwordFile: string };
}

/**
 * curl's credentials as a config on its stdin (`-K -`), so the password is in no command line:
 * printf is bash's builtin, and sed only names the file. In the config's quoted string a
 * backslash escapes, so the password's backslashes and double quotes are escaped.
 */
function curlAuthConfig(auth: NonNullable<HttpHealthCheck["basicAuth"]>): string {
  return `printf 'user = "%s:%s"\\n' ${sh(auth.user)} "$(sed 's/[\\\\"]/\\\\&/g' ${sh(auth.passwordFile)})"`;
}

/** Exits of the unit during one wait that make it a crash loop: the wait fails then, not at its timeout. */
export const CRASH_LOOP_EXITS = 3;

/**
 * Polls once a second. Fails at the timeout, at once when the unit failed, and after
 * CRASH_LOOP_EXITS exits: a unit with Restart= that exits waits in "auto-restart" and starts
 * again, never "failed", so a release that cannot start would otherwise hold the deploy (and
 * its rollback) for the whole timeout.
 */
export function healthWaitScript(check: HttpHealthCheck): string {
  const timeout = check.timeoutSeconds ?? 90;
  const curl = `curl -fsS --max-time 2${check.basicAuth ? " -K -" : ""} ${sh(check.url)}`;
  const request = check.basicAuth ? `${curlAuthConfig(check.basicAuth)} | ${curl}` : curl;
  return script(
    // Names of their own: the wait is inlined into other scripts.
    `health_exits=0 health_state=`,
    `for i in $(seq 1 ${timeout}); do`,
    `  if body=$(${request} 2>/dev/null) && grep -Eq ${sh(check.expect)} <<<"$body"; then`,
    `    echo "healthy after \${i}s: \${body:0:200}"; break`,
    `  fi`,
    `  health_was=$health_state health_state=$(systemctl show -p SubState --value ${sh(check.unit)})`,
    `  if [ "$health_state" = auto-restart ] && [ "$health_was" != auto-restart ]; then health_exits=$((health_exits + 1)); fi`,
    `  if [ "$i" = ${timeout} ] || [ "$health_state" = failed ] || [ "$health_exits" -ge ${CRASH_LOOP_EXITS} ]; then`,
    `    if [ "$health_exits" = 0 ]; then health_exited=; else health_exited=" (exited $health_exits times)"; fi`,
    `    echo "${check.unit} is not healthy at ${check.url} after \${i}s$health_exited; last journal lines:" >&2`,
    `    journalctl -u ${sh(check.unit)} -n 40 --no-pager -o cat >&2`,
    `    exit 1`,
    `  fi`,
    `  sleep 1`,
    `done`,
  );
}
