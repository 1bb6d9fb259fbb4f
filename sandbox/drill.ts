// The disaster-recovery drill on the sandbox: a host is lost (wiped to blank with `sandbox
// reset`, no `pulumi destroy`: its stack state survives, as it would on the operator's machine)
// and rebuilt by `pulumi up --refresh`, which restores its data from the backup on the other
// host. Used by `npm run drill` (the quickstart's stacks) and by the integration tests (their
// own stacks). Prints RTO and RPO:
// - RTO: from the wipe to the host answering again (the rebuild's `up` done, the service healthy).
// - RPO: how much of what was written before the loss did not come back: the time between the
//   newest write made before the wipe and the newest write restored. A writer adds one entry a
//   second, from the backup until the wipe.
import { spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as path from "path";
import { instancePaths, instanceSuffix } from "../components/gateway-service/schema";
import { sh } from "../src/remote/shell";
import { SANDBOX_WORK_INSTANCE } from "./options";
import { mustOnHost, sandbox } from "./host";

/** What the drill does on each kind of host: where it writes, how it backs up, how it reads back. */
export interface DrillTarget {
  /** What is lost and restored, for the report. */
  data: string;
  /** Shell: creates the place entries go (idempotent). */
  prepare: string;
  /** Shell writing one entry: `$1` the note, `$2` the time (epoch ms). */
  write: string;
  /** Shell: one backup now, failing when it fails. */
  backup: string;
  /** Shell printing every note restored, one per line, as "note epoch-ms". */
  read: string;
  /** Shell: succeeds when the service answers. */
  healthy: string;
}

const DB = `runuser -u postgres -- psql -X -qtA -v ON_ERROR_STOP=1 -d openclaw`;
/** Each gateway instance of the sandbox's vps1 (SANDBOX_OPTIONS): its state directory's drill database, as its user. */
const INSTANCES = ["default", "work"].map((name) => {
  const paths = { name, ...instancePaths(name) };
  const db = `${paths.stateDir}/drill/drill.sqlite`;
  return {
    ...paths,
    db,
    sqlite: `runuser -u ${paths.user} -- sqlite3 -batch ${db}`,
    port: name === "default" ? 18789 : SANDBOX_WORK_INSTANCE.port,
  };
});
const eachInstance = (f: (i: (typeof INSTANCES)[number]) => string) => INSTANCES.map(f).join(" && ");

export const TARGETS: Record<string, DrillTarget> = {
  vps2: {
    data: "PostgreSQL (a table in the openclaw database), pgBackRest to vps1",
    prepare: `${DB} -c "CREATE TABLE IF NOT EXISTS drill (note text PRIMARY KEY, written_ms bigint NOT NULL)"`,
    write: `${DB} -c "INSERT INTO drill VALUES ('$1', $2)"`,
    backup: "systemctl start pgbackrest-diff.service",
    read: `${DB} -F ' ' -c "SELECT note, written_ms FROM drill ORDER BY written_ms"`,
    healthy: "runuser -u postgres -- pg_isready -q",
  },
  // Every entry goes into both instances' states, with the same time: an entry is back only when it is back in both.
  vps1: {
    data: "the state of both gateway instances (/var/lib/openclaw and /var/lib/openclaw-work: a SQLite database in each), restic to vps2",
    prepare: eachInstance(
      (i) =>
        `install -d -o ${i.user} -g ${i.user} -m 0700 ${path.dirname(i.db)} && ${i.sqlite} "CREATE TABLE IF NOT EXISTS drill (note text PRIMARY KEY, written_ms integer NOT NULL)"`,
    ),
    write: eachInstance((i) => `${i.sqlite} "INSERT INTO drill VALUES ('$1', $2)"`),
    backup: `systemctl start ${INSTANCES.map((i) => `restic-state-backup${instanceSuffix(i.name)}.service`).join(" ")}`,
    read: `comm -12 ${INSTANCES.map((i) => `<(${i.sqlite} -separator ' ' "SELECT note, written_ms FROM drill" | sort)`).join(" ")} | sort -k2 -n`,
    healthy: eachInstance((i) => `curl -fsS http://127.0.0.1:${i.port}/health | grep -q '"ok":true'`),
  },
};

export interface DrillResult {
  host: string;
  /** Wipe to healthy, seconds. */
  rtoSeconds: number;
  /** Newest write lost, seconds (0 when everything written came back). */
  rpoSeconds: number;
  written: number;
  restored: number;
  /** The entry written before the backup, which must come back. */
  knownEntry: string;
  knownEntryRestored: boolean;
  backupSeconds: number;
  rebuildSeconds: number;
}

/**
 * The drill for one host: prepare, write the known entry, back up, keep writing for
 * `writeSeconds`, wipe, `rebuild()` (pulumi up --refresh of its stack, which must succeed),
 * then read back.
 */
export function drill(host: string, rebuild: () => void, writeSeconds = 10, log: (line: string) => void = console.log): DrillResult {
  const target = TARGETS[host];
  if (!target) throw new Error(`drill: no drill for host '${host}' (hosts: ${Object.keys(TARGETS).join(", ")})`);
  const run = randomBytes(4).toString("hex");
  const writeScript = `set -e; set -- "$1" "$2"; ${target.write}`;
  const must = (command: string, what: string) => mustOnHost(host, command, `drill: ${what}`);
  const write = (note: string) => must(`bash -c ${sh(writeScript)} drill ${sh(note)} $(date +%s%3N)`, `writing ${note}`);

  log(`drill ${host}: ${target.data}`);
  must(target.prepare, "preparing");
  const knownEntry = `known-${run}`;
  write(knownEntry);
  let t = Date.now();
  must(target.backup, "the backup");
  const backupSeconds = (Date.now() - t) / 1000;
  log(`drill ${host}: wrote ${knownEntry}, backup in ${backupSeconds.toFixed(1)} s; writing one entry a second for ${writeSeconds} s`);
  const written = [knownEntry];
  const end = Date.now() + writeSeconds * 1000;
  for (let i = 1; Date.now() < end; i++) {
    const note = `after-${run}-${i}`;
    write(note);
    written.push(note);
    spawnSync("sleep", ["1"]);
  }
  // split yields at least one line ("" for an empty read): the fallback never applies.
  const newestEntry = must(target.read, "reading the newest entry").trim().split("\n").at(-1) ?? "";
  const newestWrittenMs = Number(newestEntry.split(" ")[1]);

  const wiped = Date.now();
  log(`drill ${host}: wiping ${host} (sandbox reset: the host is lost, its stack state is not)`);
  sandbox("reset", host);
  t = Date.now();
  rebuild();
  const rebuildSeconds = (Date.now() - t) / 1000;
  must(target.healthy, "the health check after the rebuild");
  const rtoSeconds = (Date.now() - wiped) / 1000;

  const rows = must(target.read, "reading the restored entries")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split(" "));
  const restoredNotes = new Set(rows.map(([note]) => note));
  const newestRestoredMs = Math.max(
    ...rows.filter(([note]) => note.endsWith(run) || note.includes(`-${run}-`)).map(([, ms]) => Number(ms)),
  );
  const result: DrillResult = {
    host,
    rtoSeconds,
    rpoSeconds: Math.max(0, (newestWrittenMs - newestRestoredMs) / 1000),
    written: written.length,
    restored: written.filter((n) => restoredNotes.has(n)).length,
    knownEntry,
    knownEntryRestored: restoredNotes.has(knownEntry),
    backupSeconds,
    rebuildSeconds,
  };
  log(
    `drill ${host}: RTO ${result.rtoSeconds.toFixed(1)} s (wipe to healthy; the rebuild's up took ${rebuildSeconds.toFixed(1)} s), ` +
      `RPO ${result.rpoSeconds.toFixed(1)} s (${result.restored} of ${result.written} entries back, the known one ${result.knownEntryRestored ? "among them" : "MISSING"})`,
  );
  return result;
}
