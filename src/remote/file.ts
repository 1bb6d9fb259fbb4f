// Files and directories on a host.
// - remoteFile: content, owner and mode, written atomically. The content goes on stdin, so a
//   secret file never appears in a command line; the temp file is created 0600 before the
//   content lands, so no other user can read it mid-write.
// - remoteDirectory: a directory with owner and mode, removed on delete when empty.
// Both read the host on refresh: a file's content (compared on the host with the content sent
// on stdin, so only "same" or "changed" leaves it, never the content), its mode and owner.
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { RemoteCommand } from "./command";
import { Connection } from "./ssh";
import { script, sh } from "./shell";

export interface Ownership {
  owner?: string;
  group?: string;
  /** Octal mode, e.g. "0644". */
  mode?: string;
}

export interface FileArgs extends Ownership {
  connection: pulumi.Input<Connection>;
  path: string;
  content: pulumi.Input<string>;
}

const parentDir = (path: string) => path.replace(/\/[^/]+$/, "") || "/";
/** stat's %a: the mode without leading zeros. */
const statMode = (mode: string) => mode.replace(/^0+(?=\d)/, "");

/** Shell that reads stdin into `path` atomically and reports whether anything changed. */
export function writeFileScript(path: string, owner = "root", group = "root", mode = "0644"): string {
  const dir = parentDir(path);
  // A subshell, so the cleanup trap stays local when this is part of a larger script.
  return script(
    `(`,
    `dest=${sh(path)}`,
    // systemctl enable/disable/mask run by another step remove empty directories under
    // /etc/systemd/system, such as a drop-in directory just made: until the temp file is in it,
    // make it again. (Once the file is there, the directory is not empty.)
    `tmp=""`,
    `for attempt in 1 2 3 4 5; do`,
    `  [ -d ${sh(dir)} ] || install -d -m 0755 ${sh(dir)}`,
    `  tmp=$(mktemp ${sh(`${dir}/.tmp.XXXXXX`)} 2>/dev/null) && break`,
    `done`,
    `[ -n "$tmp" ] || { echo ${sh(`cannot create a file in ${dir}`)} >&2; exit 1; }`,
    `trap 'rm -f "$tmp"' EXIT`,
    `cat > "$tmp"`,
    `chown ${sh(`${owner}:${group}`)} "$tmp"`,
    `chmod ${sh(mode)} "$tmp"`,
    `if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then`,
    ...ownershipInPlace(owner, group, mode),
    `else`,
    `  mv -f "$tmp" "$dest"`,
    `  echo "wrote $dest"`,
    `fi`,
    `)`,
  );
}

/**
 * Lines for a "$dest" whose content is already right: owner and mode set in place when they
 * differ, so its content and mtime stay and a service that reads it is not made stale.
 */
export function ownershipInPlace(owner: string, group: string, mode: string): string[] {
  return [
    `  if [ "$(stat -c %U:%G:%a "$dest")" = ${sh(`${owner}:${group}:${statMode(mode)}`)} ]; then`,
    `    echo "unchanged $dest"`,
    `  else`,
    `    chown ${sh(`${owner}:${group}`)} "$dest" && chmod ${sh(mode)} "$dest"`,
    `    echo "set owner and mode of $dest"`,
    `  fi`,
  ];
}

/** Facts of a file: its content against stdin (same/changed/missing), its mode and owner. */
export function fileFactsScript(path: string): string {
  return script(
    `if [ -f ${sh(path)} ]; then`,
    `  if cmp -s - ${sh(path)}; then echo "content=same"; else echo "content=changed"; fi`,
    `  stat --printf 'mode=%a\\nowner=%U:%G\\n' ${sh(path)}`,
    `else`,
    `  cat >/dev/null; printf 'content=missing\\nmode=none\\nowner=none\\n'`,
    `fi`,
  );
}

/** What fileFactsScript prints for a file as remoteFile writes it. */
export function fileFacts(o: Ownership = {}): string {
  return `content=same\nmode=${statMode(o.mode ?? "0644")}\nowner=${o.owner ?? "root"}:${o.group ?? "root"}`;
}

export function remoteFile(name: string, args: FileArgs, opts?: pulumi.CustomResourceOptions): RemoteCommand {
  return new RemoteCommand(
    name,
    {
      connection: args.connection,
      label: `write ${args.path}`,
      create: writeFileScript(args.path, args.owner, args.group, args.mode),
      delete: `rm -f ${sh(args.path)}\n`,
      stdin: args.content,
      check: fileFactsScript(args.path),
      observed: fileFacts(args),
    },
    opts,
  );
}

export interface DirectoryArgs extends Ownership {
  connection: pulumi.Input<Connection>;
  path: string;
}

/** Facts of a directory: present with its mode and owner, or missing. */
export function directoryFactsScript(path: string): string {
  return `if [ -d ${sh(path)} ]; then stat --printf 'mode=%a\\nowner=%U:%G\\n' ${sh(path)}; else echo missing; fi\n`;
}

/** A directory a component owns: created with owner and mode, removed on delete when empty. */
export function remoteDirectory(name: string, args: DirectoryArgs, opts?: pulumi.CustomResourceOptions): RemoteCommand {
  const owner = `${args.owner ?? "root"}:${args.group ?? "root"}`;
  const mode = args.mode ?? "0755";
  return new RemoteCommand(
    name,
    {
      connection: args.connection,
      label: `directory ${args.path}`,
      create: script(
        `install -d -m ${sh(mode)} ${sh(args.path)}`,
        `chmod ${sh(mode)} ${sh(args.path)}`,
        `chown ${sh(owner)} ${sh(args.path)}`,
      ),
      delete: `rmdir --ignore-fail-on-non-empty ${sh(args.path)} 2>/dev/null || true\n`,
      check: directoryFactsScript(args.path),
      observed: `mode=${statMode(mode)}\nowner=${owner}`,
    },
    opts,
  );
}

/** sha256 of content, secret when the content is: used as a restart trigger. */
export function digest(content: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(content).apply((c) => crypto.createHash("sha256").update(c).digest("hex"));
}
