// A host in a temp folder for running versioned installs with an activation under real bash:
// stand-ins on PATH for systemctl, curl and journalctl, and releases that are shell scripts.
// - A release <root>/<version> holds `binary`, a script answering `health` (with {"ok": true},
//   or failing when the release has a file `broken`) and `start` (a journal line).
// - systemctl: logs each call; is-enabled answers yes once `enable()` was called; restart (or
//   start) runs the release `current` points to, stop stops it (failing like systemd when the release has a file
//   `no-start`); show (SubState) says failed while the running release is unhealthy.
// - curl: the running release's health; journalctl: the start lines so far; runuser: the
//   command as this user; logger: appends to a file; chown: does nothing. A release's `doctor` logs its call (fails with `noMigrate`).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { sh } from "../../src/remote/shell";

export interface FakeHost {
  dir: string;
  /** The versioned install's root. */
  root: string;
  /**
   * Shell filling "$partial" with a release of `version` (a `fetch`): `broken` fails its
   * health, `noStart` makes systemctl restart fail, `noMigrate` fails its `doctor`.
   */
  release(version: string, opts?: { broken?: boolean; noStart?: boolean; noMigrate?: boolean }): string;
  /** Marks the unit as installed and enabled. */
  enable(): void;
  /** Runs a script as the SSH runner does (bash -euo pipefail) with the stand-ins first on PATH. */
  run(script: string): { status: number | null; stdout: string; stderr: string };
  /** systemctl calls since the last call of this, one per line. */
  calls(): string;
  /** The release the last successful restart started, or "" before any. */
  running(): string;
  /** Where `current` / `previous` point ("" when absent). */
  link(name: "current" | "previous"): string;
  /** Adds or removes a marker file (`broken`, `no-start`) in a release. */
  mark(version: string, marker: "broken" | "no-start", on?: boolean): void;
  /** Release folders on disk, sorted. */
  releases(): string[];
  /** The `doctor` runs so far, one "<version>: doctor <args>" per line. */
  doctors(): string;
  /** The versions fetched so far, one "fetched <version>" per line. */
  fetches(): string;
  cleanup(): void;
}

export function fakeHost(binary = "bin/tool"): FakeHost {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-host-"));
  const root = path.join(dir, "opt", "tool");
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  const write = (name: string, text: string) => fs.writeFileSync(path.join(bin, name), text, { mode: 0o755 });
  write(
    "systemctl",
    [
      "#!/bin/bash",
      'echo "$*" >> "$FAKE/systemctl.log"',
      'case "$1" in',
      '  is-enabled) [ -e "$FAKE/enabled" ] ;;',
      '  stop) rm -f "$FAKE/running" ;;',
      "  restart|start)",
      '    release=$(readlink "$FAKE_ROOT/current")',
      '    if [ -e "$FAKE_ROOT/$release/no-start" ]; then echo "Job for $2 failed because the control process exited with error code." >&2; exit 1; fi',
      '    echo "$release" > "$FAKE/running"',
      '    "$FAKE_ROOT/$release/$FAKE_BINARY" start >> "$FAKE/journal" ;;',
      '  show) if "$FAKE_ROOT/$(cat "$FAKE/running")/$FAKE_BINARY" health > /dev/null; then echo running; else echo failed; fi ;;',
      "esac",
      "",
    ].join("\n"),
  );
  write(
    "curl",
    ["#!/bin/bash", 'release=$(cat "$FAKE/running" 2>/dev/null) || exit 7', 'exec "$FAKE_ROOT/$release/$FAKE_BINARY" health', ""].join(
      "\n",
    ),
  );
  write("logger", ["#!/bin/bash", 'cat >> "$FAKE/logger"', ""].join("\n"));
  write("chown", ["#!/bin/bash", "true", ""].join("\n"));
  // As root would: the command after `--`, as this user.
  write("runuser", ["#!/bin/bash", 'while [ "$1" != "--" ]; do shift; done', "shift", 'exec "$@"', ""].join("\n"));
  write("journalctl", ["#!/bin/bash", 'tail -n 40 "$FAKE/journal" 2>/dev/null || true', ""].join("\n"));
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE: dir, FAKE_ROOT: root, FAKE_BINARY: binary };
  const log = path.join(dir, "systemctl.log");
  const readlink = (p: string) => (fs.existsSync(p) || isLink(p) ? fs.readlinkSync(p) : "");

  return {
    dir,
    root,
    release: (version, opts = {}) => {
      const tool = [
        "#!/bin/sh",
        'here=$(dirname "$0")/..',
        'case "$1" in',
        `  health) [ ! -e "$here/broken" ] && echo '{"ok": true, "ready": true}' ;;`,
        `  start) if [ -e "$here/broken" ]; then echo '${version}: cannot start (a broken build)'; else echo '${version}: listening'; fi ;;`,
        `  doctor) if [ -e "$here/no-migrate" ]; then echo '${version}: the state cannot be migrated' >&2; exit 1; fi; echo "${version}: doctor $*" >> "$FAKE/doctor" ;;`,
        `  *) echo '${version}' ;;`,
        "esac",
      ];
      return [
        `mkdir -p "$(dirname "$partial/${binary}")"`,
        `printf '%s\\n' ${tool.map(sh).join(" ")} > "$partial/${binary}" && chmod 0755 "$partial/${binary}"`,
        opts.broken ? `touch "$partial/broken"` : "",
        opts.noStart ? `touch "$partial/no-start"` : "",
        opts.noMigrate ? `touch "$partial/no-migrate"` : "",
        `echo "fetched ${version}" >> "$FAKE/fetches"`,
      ]
        .filter(Boolean)
        .join("\n");
    },
    enable: () => fs.writeFileSync(path.join(dir, "enabled"), ""),
    run: (script) => {
      const r = spawnSync("bash", ["-euo", "pipefail", "-c", script], { encoding: "utf8", env });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    calls: () => {
      const text = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
      fs.rmSync(log, { force: true });
      return text;
    },
    running: () => (fs.existsSync(path.join(dir, "running")) ? fs.readFileSync(path.join(dir, "running"), "utf8").trim() : ""),
    link: (name) => readlink(path.join(root, name)),
    mark: (version, marker, on = true) => {
      const file = path.join(root, version, marker);
      if (on) fs.writeFileSync(file, "");
      else fs.rmSync(file, { force: true });
    },
    releases: () =>
      fs
        .readdirSync(root)
        .filter((f) => !f.startsWith(".") && !isLink(path.join(root, f)))
        .sort(),
    doctors: () => (fs.existsSync(path.join(dir, "doctor")) ? fs.readFileSync(path.join(dir, "doctor"), "utf8") : ""),
    fetches: () => (fs.existsSync(path.join(dir, "fetches")) ? fs.readFileSync(path.join(dir, "fetches"), "utf8") : ""),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
