// Firewall: the host's nftables rule set, rendered from what the topology's components listen on
// (see render.ts), applied commit-confirmed so a rule set cannot lock the deploy out:
// - the rules step checks it with `nft -c`, saves the table the kernel holds, arms a timer that
//   restores it after `confirmSeconds`, and loads the new one in one transaction;
// - the confirm step logs in over a new SSH connection (the shared one survives any rule set,
//   as an established connection) and only then stops the timer and writes the rule set to the
//   file nftables.service loads at boot. A rule set that cuts the deploy off is restored by the
//   host itself, and the deploy fails naming it.
// Refresh compares the rules the kernel holds with the file's (loaded into a scratch network
// namespace), so a hand `nft` change shows as drift. Destroy removes this program's table and
// puts Debian's stock rule set back.
import * as pulumi from "@pulumi/pulumi";
import { aptPackages } from "../../src/remote/apt";
import { RemoteCommand } from "../../src/remote/command";
import { digest, fileFacts, fileFactsScript } from "../../src/remote/file";
import { script, sh } from "../../src/remote/shell";
import { Connection } from "../../src/remote/ssh";
import { Opening, PATHS, renderRules, STOCK_RULES, TABLE } from "./render";

export * from "./schema";

export interface FirewallArgs {
  connection: pulumi.Input<Connection>;
  /** What the host opens, and to whom (render.ts `openings`, from the topology's listeners). */
  openings: Opening[];
  /** Seconds the host waits for the confirm step before it restores the rule set it had. */
  confirmSeconds: number;
}

/** Where the scripts work: the boot file, and where a rule set waits for its confirmation (tests move both). */
export interface FirewallPaths {
  rules: string;
  /** Holds pending.nft (waiting) and previous.nft (what the host restores without a confirmation). */
  pending: string;
}
const HOST: FirewallPaths = { rules: PATHS.rules, pending: "/run/openclaw-infra-firewall" };

/** The transient timer (systemd-run) that restores previous.nft. */
export const RESTORE_UNIT = "openclaw-infra-firewall-restore";

/** Names the rule set in messages. */
const RULE_SET = `the rule set of ${PATHS.rules} (table ${TABLE})`;

/** The table as the kernel lists it, or nothing. */
const listTable = `nft list table ${TABLE} 2>/dev/null`;

/** The table as the kernel would list it with the file `word` (a shell word) loaded: loaded into a scratch network namespace. */
const fromFile = (word: string) => `$(unshare --net sh -c ${sh(`nft -f "$1" 2>/dev/null && ${listTable}`)} sh ${word})`;

/** Stops and forgets the restore timer (and its service) of an earlier run. */
const restoreUnits = `${sh(`${RESTORE_UNIT}.timer`)} ${sh(`${RESTORE_UNIT}.service`)}`;
const disarm = `systemctl stop ${restoreUnits} 2>/dev/null || true; systemctl reset-failed ${restoreUnits} 2>/dev/null || true`;

/**
 * The rules step: the rule set (stdin) checked by `nft -c`; when the kernel does not hold it
 * yet, the kernel's table saved, a timer armed to restore it, and the new one loaded. Its last
 * line is what the confirm step acts on: a token when a rule set waits, else "unchanged".
 */
export function applyScript(confirmSeconds: number, at: FirewallPaths = HOST): string {
  const { rules } = at;
  const [pending, previous] = [`${at.pending}/pending.nft`, `${at.pending}/previous.nft`];
  return script(
    `candidate=$(mktemp --suffix .nft); trap 'rm -f "$candidate"' EXIT`,
    `cat > "$candidate"`,
    `if ! out=$(nft -c -f "$candidate" 2>&1); then`,
    `  echo ${sh(`nft -c rejects the new rule set for ${rules}; the current one stays:`)} >&2; echo "$out" >&2; exit 1`,
    `fi`,
    // A rule set that waits for its confirmation (or was restored without one) is no rule set
    // the kernel holds for good: it is compared with nothing, and what the host goes back to
    // stays the last confirmed table.
    `if [ ! -f ${sh(pending)} ] && [ "$(${listTable})" = "${fromFile('"$candidate"')}" ]; then`,
    // The kernel holds it already (a new file for the same rules, or a repair of the file only).
    `  install -m 0755 "$candidate" ${sh(rules)}`,
    `  systemctl enable --quiet ${sh(PATHS.unit)}`,
    `  echo unchanged`,
    `  exit 0`,
    `fi`,
    `install -d -m 0700 ${sh(at.pending)}`,
    `[ -f ${sh(previous)} ] || { echo ${sh(`table ${TABLE}`)}; echo ${sh(`delete table ${TABLE}`)}; ${listTable} || true; } > ${sh(previous)}`,
    `install -m 0600 "$candidate" ${sh(pending)}`,
    disarm,
    `systemd-run --quiet --unit=${sh(RESTORE_UNIT)} --on-active=${confirmSeconds}s --timer-property=AccuracySec=1s nft -f ${sh(previous)}`,
    `nft -f "$candidate"`,
    `echo ${sh(`loaded a new rule set; the host restores the previous one in ${confirmSeconds} s unless a new SSH connection confirms it`)}`,
    `cat /proc/sys/kernel/random/uuid`,
  );
}

/**
 * The confirm step, over a connection of its own: the pending rule set becomes the boot file
 * and the restore timer is stopped. Fails when the host restored the previous rule set already.
 */
export function confirmScript(at: FirewallPaths = HOST): string {
  const pending = `${at.pending}/pending.nft`;
  return script(
    `if [ ! -f ${sh(pending)} ]; then echo "nothing to confirm"; exit 0; fi`,
    `if ! systemctl is-active --quiet ${sh(`${RESTORE_UNIT}.timer`)}; then`,
    `  echo ${sh(`${RULE_SET} was not confirmed in time: the host restored the previous one`)} >&2; exit 1`,
    `fi`,
    disarm,
    `install -m 0755 ${sh(pending)} ${sh(at.rules)}`,
    `rm -rf ${sh(at.pending)}`,
    `systemctl enable --quiet ${sh(PATHS.unit)}`,
    `echo ${sh(`confirmed ${RULE_SET} over a new SSH connection`)}`,
  );
}

/** Refresh's facts beyond the file's: the kernel holds the file's rules, and loads them at boot. */
export function rulesFactsScript(at: FirewallPaths = HOST): string {
  return script(
    `if [ "$(${listTable})" = "${fromFile(sh(at.rules))}" ]; then echo rules=loaded; else echo rules=other; fi`,
    `echo "boot=$(systemctl is-enabled ${sh(PATHS.unit)} 2>/dev/null || true)"`,
  );
}
export const RULES_FACTS = "rules=loaded\nboot=enabled";

export function removeScript(at: FirewallPaths = HOST): string {
  const { rules } = at;
  return script(
    disarm,
    `rm -rf ${sh(at.pending)}`,
    `nft delete table ${TABLE} 2>/dev/null || true`,
    `cat > ${sh(rules)} <<'OPENCLAW_EOF'`,
    STOCK_RULES.trimEnd(),
    "OPENCLAW_EOF",
    `systemctl disable --quiet ${sh(PATHS.unit)}`,
    `echo ${sh(`removed table ${TABLE}; ${rules} is Debian's again`)}`,
  );
}

export class Firewall extends pulumi.ComponentResource {
  constructor(name: string, args: FirewallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:host:Firewall", name, {}, opts);
    const parent = { parent: this };
    const { connection } = args;
    const content = renderRules(args.openings);
    const packages = aptPackages(`${name}-package`, { connection, packages: ["nftables"] }, parent);
    const rules = new RemoteCommand(
      `${name}-rules`,
      {
        connection,
        label: `load ${RULE_SET}`,
        create: applyScript(args.confirmSeconds),
        delete: removeScript(),
        stdin: content,
        check: script(fileFactsScript(PATHS.rules), rulesFactsScript()),
        observed: `${fileFacts({ mode: "0755" })}\n${RULES_FACTS}`,
        captureResult: true,
      },
      { ...parent, dependsOn: [packages] },
    );
    new RemoteCommand(
      `${name}-confirm`,
      {
        connection: pulumi.output(connection).apply((c) => ({ ...c, separate: "firewall confirmation" })),
        label: `confirm ${RULE_SET} over a new SSH connection (without it the host restores the previous one ${args.confirmSeconds} s after the load)`,
        create: confirmScript(),
        // Each run of the rules step that armed a restore prints a new token: confirmed once each.
        triggers: [rules.result.apply((r) => r ?? ""), digest(content)],
      },
      { ...parent, dependsOn: [rules] },
    );
    this.registerOutputs({});
  }
}
