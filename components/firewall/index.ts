// Firewall: the host's nftables rule set, rendered from what the topology's components listen on
// (see render.ts), checked by `nft -c` before it replaces the file nftables.service loads at boot,
// then loaded in one transaction. Refresh compares the rules the kernel holds with the file's
// (loaded into a scratch network namespace), so a hand `nft` change shows as drift. Destroy
// removes this program's table and puts Debian's stock rule set back.
import * as pulumi from "@pulumi/pulumi";
import { aptPackages } from "../../src/remote/apt";
import { checkedFile } from "../../src/remote/checked-file";
import { script, sh } from "../../src/remote/shell";
import { Connection } from "../../src/remote/ssh";
import { Opening, PATHS, renderRules, STOCK_RULES, TABLE } from "./render";

export * from "./schema";

export interface FirewallArgs {
  connection: pulumi.Input<Connection>;
  /** What the host opens, and to whom (render.ts `openings`, from the topology's listeners). */
  openings: Opening[];
}

/** The table as the kernel lists it, or nothing. */
const listTable = `nft list table ${TABLE} 2>/dev/null`;

/** The table as the kernel would list it with `rules` loaded: loaded into a scratch network namespace. */
const fromFile = (rules: string) => `$(unshare --net sh -c ${sh(`nft -f ${sh(rules)} && ${listTable}`)})`;

/**
 * The checked file's `apply`: loads the file when it changed or the kernel's table differs from
 * it (a hand `nft` change); nftables.service loads it at boot.
 */
export function loadScript(rules: string = PATHS.rules): string {
  return script(
    `if [ "$changed" = yes ] || [ "$(${listTable})" != "${fromFile(rules)}" ]; then`,
    `  nft -f ${sh(rules)}`,
    `  echo ${sh(`loaded ${rules}: table ${TABLE}`)}`,
    `fi`,
    `systemctl enable --quiet ${sh(PATHS.unit)}`,
  );
}

/** Refresh's facts beyond the file's: the kernel holds the file's rules, and loads them at boot. */
export function rulesFactsScript(rules: string = PATHS.rules): string {
  return script(
    `if [ "$(${listTable})" = "${fromFile(rules)}" ]; then echo rules=loaded; else echo rules=other; fi`,
    `echo "boot=$(systemctl is-enabled ${sh(PATHS.unit)} 2>/dev/null || true)"`,
  );
}
export const RULES_FACTS = "rules=loaded\nboot=enabled";

export function removeScript(rules: string = PATHS.rules): string {
  return script(
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
    const packages = aptPackages(`${name}-package`, { connection: args.connection, packages: ["nftables"] }, parent);
    checkedFile(
      `${name}-rules`,
      {
        connection: args.connection,
        path: PATHS.rules,
        content: renderRules(args.openings),
        mode: "0755",
        checker: `nft -c -f "$candidate"`,
        checkerName: "nft -c",
        suffix: ".nft",
        apply: loadScript(),
        facts: { check: rulesFactsScript(), observed: RULES_FACTS },
        delete: removeScript(),
      },
      { ...parent, dependsOn: [packages] },
    );
    this.registerOutputs({});
  }
}
