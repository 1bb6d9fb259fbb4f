// A file with content, owner and mode, written atomically. The content goes on stdin, so a
// secret file never appears in a command line; the temp file is created 0600 before the
// content lands, so no other user can read it mid-write.
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { RemoteCommand } from "./command";
import { Connection } from "./ssh";
import { script, sh } from "./shell";

export interface FileArgs {
  connection: pulumi.Input<Connection>;
  path: string;
  content: pulumi.Input<string>;
  owner?: string;
  group?: string;
  /** Octal mode, e.g. "0644". */
  mode?: string;
}

/** Shell that reads stdin into `path` atomically and reports whether anything changed. */
export function writeFileScript(path: string, owner = "root", group = "root", mode = "0644"): string {
  const dir = path.replace(/\/[^/]+$/, "") || "/";
  // A subshell, so the cleanup trap stays local when this is part of a larger script.
  return script(
    `(`,
    `dest=${sh(path)}`,
    `[ -d ${sh(dir)} ] || install -d -m 0755 ${sh(dir)}`,
    `tmp=$(mktemp ${sh(`${dir}/.tmp.XXXXXX`)})`,
    `trap 'rm -f "$tmp"' EXIT`,
    `cat > "$tmp"`,
    `chown ${sh(`${owner}:${group}`)} "$tmp"`,
    `chmod ${sh(mode)} "$tmp"`,
    `if [ -f "$dest" ] && cmp -s "$tmp" "$dest" && [ "$(stat -c %U:%G:%a "$dest")" = ${sh(`${owner}:${group}:${mode.replace(/^0+(?=\d)/, "")}`)} ]; then`,
    `  echo "unchanged $dest"`,
    `else`,
    `  mv -f "$tmp" "$dest"`,
    `  echo "wrote $dest"`,
    `fi`,
    `)`,
  );
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
    },
    opts,
  );
}

export interface DirectoryArgs {
  connection: pulumi.Input<Connection>;
  path: string;
  owner?: string;
  group?: string;
  mode?: string;
}

/** A directory a component owns: created with owner and mode, removed on delete when empty. */
export function remoteDirectory(name: string, args: DirectoryArgs, opts?: pulumi.CustomResourceOptions): RemoteCommand {
  const owner = `${args.owner ?? "root"}:${args.group ?? "root"}`;
  return new RemoteCommand(
    name,
    {
      connection: args.connection,
      label: `directory ${args.path}`,
      create: script(`install -d -m ${sh(args.mode ?? "0755")} ${sh(args.path)}`, `chown ${sh(owner)} ${sh(args.path)}`),
      delete: `rmdir --ignore-fail-on-non-empty ${sh(args.path)} 2>/dev/null || true\n`,
    },
    opts,
  );
}

/** sha256 of content, secret when the content is: used as a restart trigger. */
export function digest(content: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(content).apply((c) => crypto.createHash("sha256").update(c).digest("hex"));
}
