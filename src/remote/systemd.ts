// systemd operations, both rendered from a typed spec (unit-file.ts) and verified with
// `systemd-analyze verify` before they are installed and systemd reloads them.
// - systemdUnit: a unit we ship. Write it, daemon-reload, enable, and (re)start it whenever the
//   unit or anything listed in restartTriggers changed, then wait for health. Delete stops,
//   disables and removes it. With `start: false` the unit file is only installed.
// - systemdDropIn: a drop-in for a unit a package ships (prometheus-node-exporter.service):
//   our settings on top of the vendor's unit, which stays as the package left it. Write,
//   daemon-reload, restart, wait for health; delete removes the drop-in and restarts the unit
//   if it is running, so it runs as the package ships it again.
// On refresh both read the host: the file (same/changed), whether the unit is enabled and
// active, and whether it is fresh: started after the last change of every file it reads
// (`reads`). A hand edit of its config leaves a running service stale; `up --refresh` puts the
// file back and the unit's update restarts it, once.
import * as pulumi from "@pulumi/pulumi";
import { RemoteCommand } from "./command";
import { fileFacts, fileFactsScript, writeFileScript } from "./file";
import { healthWaitScript, HttpHealthCheck } from "./health";
import { Connection } from "./ssh";
import { script, sh } from "./shell";
import { renderUnitFile, UnitSpec } from "./unit-file";

/** Where units and drop-ins of the local administrator live (they override /usr/lib/systemd). */
export const UNIT_DIR = "/etc/systemd/system";

/**
 * Where the scripts write and read on a host: `units` as above; `started` holds, per unit, the
 * invocation our last restart started and the content digest of each file it read then
 * (under /run: a reboot starts everything afresh and clears it).
 */
export interface HostDirs {
  units: string;
  started: string;
}

export const HOST_DIRS: HostDirs = { units: UNIT_DIR, started: "/run/openclaw-infra/started" };

const UNIT_NAME = /^[A-Za-z0-9][A-Za-z0-9@._:\\-]*\.(service|socket|timer|path|mount|slice|target)$/;
const DROP_IN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function assertUnitName(name: string): void {
  if (!UNIT_NAME.test(name)) throw new Error(`'${name}' is not a systemd unit name with its suffix, like foo.service`);
}

/** The tail of every change to a running unit: restart it, say so, record the start, then wait for health. */
function restartScript(unit: string, healthCheck?: HttpHealthCheck, record: string[] = []): (string | undefined)[] {
  return [`systemctl restart ${sh(unit)}`, `echo "restarted ${unit}"`, ...record, healthCheck && healthWaitScript(healthCheck)];
}

/**
 * Bash function printing what a file a service reads holds, as "<digest> <path>": its content's
 * sha256, where a link points, or whether it is there. Content only: a mode, owner or mtime
 * changed alone does not change what the service would read.
 */
const READ_DIGEST = [
  `read_digest() {`,
  `  if [ -L "$1" ]; then echo "link:$(readlink "$1") $1"`,
  `  elif [ -f "$1" ]; then echo "$(sha256sum < "$1" | cut -c 1-64) $1"`,
  `  elif [ -e "$1" ]; then echo "present $1"`,
  `  else echo "missing $1"; fi`,
  `}`,
];

/** Records the invocation just started and the digest of each file it read (`reads`), for the freshness fact. */
function recordStartScript(unit: string, reads: string[], started: string): string[] {
  if (reads.length === 0) return [];
  const record = `${started}/${unit}`;
  return [
    ...READ_DIGEST,
    `install -d -m 0755 ${sh(started)}`,
    `{`,
    `  systemctl show -p InvocationID --value ${sh(unit)}`,
    `  for f in ${reads.map(sh).join(" ")}; do read_digest "$f"; done`,
    `} > ${sh(record)}`,
  ];
}

/**
 * Before a unit is (re)started by its step: masked (by hand, or by the package's own removal
 * script when someone removed it) it could not start, so it is unmasked; then enabled.
 */
function unmaskScript(unit: string): string[] {
  const u = sh(unit);
  // masked-runtime: `systemctl mask --runtime`, which also covers a unit of ours in /etc.
  return [
    `case "$(systemctl is-enabled ${u} 2>/dev/null || true)" in masked*)`,
    `  systemctl unmask --quiet ${u}`,
    `  echo "unmasked ${unit}" ;;`,
    `esac`,
  ];
}

/**
 * Restarts `unit` when this host has it enabled, then waits for its health: how a new release
 * of the program it runs (through a `current` link) takes over, as versionedInstall's
 * `activate`. A unit not installed yet is left to its own step, which starts it. With
 * `whileStopped` (a release's own state migration), the unit is stopped, that shell runs, and
 * the unit starts only when it succeeded.
 */
export function restartIfEnabledScript(unit: string, healthCheck?: HttpHealthCheck, whileStopped?: string): string {
  assertUnitName(unit);
  const restart = restartScript(unit, healthCheck);
  const steps = whileStopped
    ? [
        `systemctl stop ${sh(unit)}`,
        whileStopped,
        ...restart.map((l) => (l === `systemctl restart ${sh(unit)}` ? `systemctl start ${sh(unit)}` : l)),
      ]
    : restart;
  const body = steps.filter((l): l is string => typeof l === "string").flatMap((l) => l.trimEnd().split("\n"));
  return script(
    `if systemctl is-enabled --quiet ${sh(unit)} 2>/dev/null; then`,
    ...body.map((l) => `  ${l}`),
    `else`,
    `  echo "${unit} is not enabled yet: its unit step starts it"`,
    `fi`,
  );
}

/**
 * Reads stdin into "$work/<relative>", has systemd-analyze verify `unit` with that file in
 * front of the system's unit paths, then installs it at `dest`. A refused file changes nothing.
 * `allowMissingBinary`: for a unit not started here, whose program may not be installed.
 */
function verifiedWriteScript(unit: string, relative: string, dest: string, allowMissingBinary = false): string[] {
  return [
    `work=$(mktemp -d); trap 'rm -rf "$work"' EXIT`,
    `install -d "$(dirname "$work/"${sh(relative)})"`,
    `cat > "$work/"${sh(relative)}`,
    // verify fails on errors only; an unknown or misspelled directive is a warning it ignores,
    // so every line about our file counts as a refusal too.
    `if out=$(SYSTEMD_UNIT_PATH="$work:" systemd-analyze verify --man=no ${sh(unit)} 2>&1); then refused=$(grep -F "$work/" <<<"$out" || true); else refused=$out; fi`,
    // A unit switched off may name a program this host does not have: only that is let pass.
    allowMissingBinary && `refused=$(grep -v 'is not executable' <<<"$refused" || true)`,
    `if [ -n "$refused" ]; then`,
    `  echo ${sh(`systemd-analyze verify rejects ${dest}; the current one stays:`)} >&2`,
    `  echo "$out" >&2`,
    `  exit 1`,
    `fi`,
    `${writeFileScript(dest).trimEnd()} < "$work/"${sh(relative)}`,
  ].filter((l): l is string => typeof l === "string");
}

/**
 * Facts of a unit: enabled, active, and fresh: the files it reads (`reads`) hold what they held
 * when it started. When our own restart started it, that is the content recorded then; after
 * any other start (a reboot, an automatic restart), a file modified after the start is stale.
 */
function unitStateFacts(unit: string, reads: string[], started: string): string[] {
  const u = sh(unit);
  const record = sh(`${started}/${unit}`);
  const files = reads.map(sh).join(" ");
  const freshness = [
    `fresh=yes`,
    `if systemctl is-active --quiet ${u}; then`,
    ...READ_DIGEST.map((l) => `  ${l}`),
    `  invocation=$(systemctl show -p InvocationID --value ${u} 2>/dev/null || true)`,
    `  if [ -n "$invocation" ] && [ -f ${record} ] && [ "$(head -n 1 ${record})" = "$invocation" ]; then`,
    `    for f in ${files}; do`,
    `      grep -qxF "$(read_digest "$f")" ${record} || fresh="no: $f changed after the start"`,
    `    done`,
    `  else`,
    `    started=$(systemctl show -p ActiveEnterTimestamp --value ${u} 2>/dev/null || true)`,
    `    since=$(if [ -n "$started" ]; then date -d "$started" +%s; else date +%s; fi)`,
    `    for f in ${files}; do`,
    `      if [ -e "$f" ] && [ "$(stat -c %Y "$f")" -gt "$since" ]; then fresh="no: $f changed after the start"; fi`,
    `    done`,
    `  fi`,
    `fi`,
  ];
  return [
    `echo "enabled=$(systemctl is-enabled ${u} 2>/dev/null || true)"`,
    `echo "active=$(systemctl is-active ${u} 2>/dev/null || true)"`,
    ...(reads.length > 0 ? freshness : [`fresh=yes`]),
    `echo "fresh=$fresh"`,
  ];
}

export interface UnitArgs {
  connection: pulumi.Input<Connection>;
  /** Unit name with suffix, e.g. "openclaw-gateway.service". */
  name: string;
  spec: UnitSpec;
  /** Files the service reads at start (config, env): changed after its start, it is stale. */
  reads?: string[];
  /** Digests of what the service reads (config, env, installed version): a change restarts it. */
  restartTriggers?: pulumi.Input<string>[];
  healthCheck?: HttpHealthCheck;
  /**
   * false: install the unit file (daemon-reload, so `systemctl cat` and `systemd-analyze
   * security` see it) but neither enable nor start it; a unit that was running is stopped and
   * disabled. For a service that cannot work on this host. Takes no healthCheck. Default true.
   * "by-timer": a oneshot only its timer starts (no [Install]): installed, never started,
   * enabled or stopped by a deploy, so a running backup is left alone.
   */
  start?: boolean | "by-timer";
}

export interface Scripts {
  create: string;
  delete: string;
  check: string;
  observed: string;
}

/** The scripts of a systemdUnit: pure, for tests and for systemdUnit itself. */
export function unitScripts(args: Pick<UnitArgs, "name" | "healthCheck" | "start" | "reads">, dirs: HostDirs = HOST_DIRS): Scripts {
  assertUnitName(args.name);
  const path = `${dirs.units}/${args.name}`;
  const reads = args.reads ?? [];
  const unit = sh(args.name);
  const start = args.start ?? true;
  if (start !== true && args.healthCheck)
    throw new Error(`unit ${args.name}: a unit that is not started (start: ${start}) has no health to wait for`);
  const write = verifiedWriteScript(args.name, args.name, path, start === false);
  if (start === "by-timer") {
    return {
      create: script(...write, `systemctl daemon-reload`, `echo "${args.name} is installed; its timer starts it"`),
      delete: script(`rm -f ${sh(path)}`, `systemctl daemon-reload`, `systemctl reset-failed ${unit} 2>/dev/null || true`),
      check: script(fileFactsScript(path), `echo "enabled=$(systemctl is-enabled ${unit} 2>/dev/null || true)"`),
      observed: [fileFacts(), "enabled=static"].join("\n"),
    };
  }
  return {
    create: start
      ? script(
          ...unmaskScript(args.name),
          ...write,
          `systemctl daemon-reload`,
          `systemctl enable --quiet ${unit}`,
          ...restartScript(args.name, args.healthCheck, recordStartScript(args.name, reads, dirs.started)),
        )
      : script(
          ...write,
          `systemctl daemon-reload`,
          `if systemctl is-enabled --quiet ${unit} 2>/dev/null || systemctl is-active --quiet ${unit}; then`,
          `  systemctl disable --now --quiet ${unit}`,
          `  echo "stopped and disabled ${args.name}"`,
          `fi`,
          `echo "${args.name} is installed, neither enabled nor started (start: false)"`,
        ),
    delete: script(
      `systemctl disable --now --quiet ${unit} 2>/dev/null || true`,
      `rm -f ${sh(path)}`,
      `systemctl daemon-reload`,
      `systemctl reset-failed ${unit} 2>/dev/null || true`,
    ),
    check: script(fileFactsScript(path), ...unitStateFacts(args.name, reads, dirs.started)),
    observed: [fileFacts(), start ? "enabled=enabled\nactive=active" : "enabled=disabled\nactive=inactive", "fresh=yes"].join("\n"),
  };
}

export function systemdUnit(name: string, args: UnitArgs, opts?: pulumi.CustomResourceOptions): RemoteCommand {
  return unitCommand(name, args, `unit ${args.name}`, unitScripts(args), opts);
}

/** The resource both operations are: their scripts, the rendered file on stdin, the restart triggers. */
function unitCommand(
  name: string,
  args: { connection: pulumi.Input<Connection>; spec: UnitSpec; restartTriggers?: pulumi.Input<string>[] },
  label: string,
  scripts: Scripts,
  opts?: pulumi.CustomResourceOptions,
): RemoteCommand {
  return new RemoteCommand(
    name,
    {
      connection: args.connection,
      label,
      create: scripts.create,
      delete: scripts.delete,
      stdin: renderUnitFile(args.spec),
      triggers: args.restartTriggers,
      check: scripts.check,
      observed: scripts.observed,
    },
    opts,
  );
}

export interface DropInArgs {
  connection: pulumi.Input<Connection>;
  /** The unit the drop-in extends and that is restarted, e.g. "prometheus-node-exporter.service". */
  unit: string;
  /** File stem of the drop-in: <unit>.d/<name>.conf, e.g. "10-openclaw". */
  name: string;
  spec: UnitSpec;
  /** Files the service reads at start (e.g. its /etc/default file). */
  reads?: string[];
  /** Digests of what the service reads: a change restarts it. */
  restartTriggers?: pulumi.Input<string>[];
  healthCheck?: HttpHealthCheck;
}

/** Path of a drop-in of `unit`. */
export function dropInPath(unit: string, name: string, dir: string = UNIT_DIR): string {
  return `${dir}/${unit}.d/${name}.conf`;
}

/** The scripts of a systemdDropIn: pure, for tests and for systemdDropIn itself. */
export function dropInScripts(args: Pick<DropInArgs, "unit" | "name" | "healthCheck" | "reads">, dirs: HostDirs = HOST_DIRS): Scripts {
  assertUnitName(args.unit);
  if (!DROP_IN_NAME.test(args.name) || args.name.endsWith(".conf")) {
    throw new Error(`drop-in '${args.name}' of ${args.unit}: the name is a file stem like 10-openclaw (letters, digits, . _ -; no .conf)`);
  }
  const path = dropInPath(args.unit, args.name, dirs.units);
  const folder = `${dirs.units}/${args.unit}.d`;
  const unit = sh(args.unit);
  const reads = args.reads ?? [];
  return {
    // The vendor's unit, masked (by its package's removal, or by hand), would neither verify nor start.
    create: script(
      ...unmaskScript(args.unit),
      ...verifiedWriteScript(args.unit, `${args.unit}.d/${args.name}.conf`, path),
      `systemctl daemon-reload`,
      `systemctl enable --quiet ${unit}`,
      ...restartScript(args.unit, args.healthCheck, recordStartScript(args.unit, reads, dirs.started)),
    ),
    delete: script(
      `rm -f ${sh(path)}`,
      `[ ! -d ${sh(folder)} ] || rmdir --ignore-fail-on-non-empty ${sh(folder)}`,
      `systemctl daemon-reload`,
      `echo "removed ${path}"`,
      // Back to the vendor's unit alone, if it runs at all (a stopped or uninstalled unit is left).
      `if systemctl is-active --quiet ${unit}; then`,
      `  systemctl restart ${unit}`,
      `  echo "restarted ${args.unit} without ${args.name}.conf"`,
      `fi`,
    ),
    check: script(fileFactsScript(path), ...unitStateFacts(args.unit, reads, dirs.started)),
    observed: [fileFacts(), "enabled=enabled", "active=active", "fresh=yes"].join("\n"),
  };
}

export function systemdDropIn(name: string, args: DropInArgs, opts?: pulumi.CustomResourceOptions): RemoteCommand {
  return unitCommand(name, args, `drop-in ${dropInPath(args.unit, args.name)}`, dropInScripts(args), opts);
}
