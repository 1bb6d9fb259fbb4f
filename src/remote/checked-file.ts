// A configuration file the program itself checks before it is used: the new content arrives
// on stdin as a candidate, the program's own checker reads it, and only a candidate it
// accepts replaces the current file (atomically). A refused candidate leaves the current file
// and fails the step with the checker's words, so a restart never meets a file the service
// would refuse. Then `apply` runs (a reload, enabling the unit...), with $changed = yes|no.
import * as pulumi from "@pulumi/pulumi";
import { RemoteCommand } from "./command";
import { fileFacts, fileFactsScript, ownershipInPlace, Ownership, writeFileScript } from "./file";
import { Connection } from "./ssh";
import { script, sh } from "./shell";

export interface CheckedFileSpec extends Ownership {
  path: string;
  /**
   * The checker: shell run with "$candidate" (the new file) and "$dest" (the current path).
   * Its output is shown when it refuses. The candidate is world-readable (checkers may run as
   * the service's user), so a checked file never holds a secret.
   */
  checker: string;
  /** Names the checker in messages, e.g. "promtail -check-syntax". */
  checkerName: string;
  /** Ending of the candidate's file name, for checkers that go by it (".yaml"). */
  suffix?: string;
  /**
   * For a program that can only check the file at the path it reads (PostgreSQL's
   * pg_hba.conf): the candidate is put in place, checked there, and the previous file comes
   * back when the check fails.
   */
  checkInPlace?: boolean;
  /** Shell defining helpers the checker and `apply` use. */
  prelude?: string;
  /** Runs after every check that passed, changed or not ($changed = yes|no). */
  apply?: string;
}

export interface CheckedFileArgs extends Omit<CheckedFileSpec, "checker"> {
  connection: pulumi.Input<Connection>;
  /** CheckedFileSpec's checker, known once its inputs are (e.g. the folder of a release). */
  checker: pulumi.Input<string>;
  content: pulumi.Input<string>;
  /** What a destroy leaves: this content, written through the same checks and apply. */
  contentOnDelete?: string;
  /** Or a script of its own for a destroy. Default (neither): the file is removed. */
  delete?: string;
}

/** The script: stdin -> candidate -> checker -> atomic swap -> apply. Pure, for tests. */
export function checkedFileScript(s: CheckedFileSpec): string {
  const owner = s.owner ?? "root";
  const group = s.group ?? "root";
  const mode = s.mode ?? "0644";
  const refuse = [
    `  echo ${sh(`${s.checkerName} rejects the new ${s.path}; the current one stays:`)} >&2`,
    `  echo "$out" >&2`,
    `  exit 1`,
  ];
  return script(
    s.prelude?.trimEnd(),
    `dest=${sh(s.path)}`,
    `work=$(mktemp -d); trap 'rm -rf "$work"' EXIT`,
    `chmod 0755 "$work"`,
    `candidate="$work/candidate"${s.suffix ? sh(s.suffix) : ""}`,
    `cat > "$candidate"`,
    `chmod 0644 "$candidate"`,
    `changed=no`,
    // Same content: only owner and mode are put back, and `apply` sees changed=no (no reload).
    `if [ -f "$dest" ] && cmp -s "$candidate" "$dest"; then`,
    ...ownershipInPlace(owner, group, mode),
    `else`,
    ...(s.checkInPlace
      ? [
          `  if [ -f "$dest" ]; then cp -p "$dest" "$work/previous"; fi`,
          `  install -m ${sh(mode)} -o ${sh(owner)} -g ${sh(group)} "$candidate" "$dest"`,
          `  if ! out=$( { ${s.checker}; } 2>&1 ); then`,
          `    if [ -f "$work/previous" ]; then cp -p "$work/previous" "$dest"; else rm -f "$dest"; fi`,
          ...refuse.map((l) => `  ${l}`),
          `  fi`,
        ]
      : [
          `  if ! out=$( { ${s.checker}; } 2>&1 ); then`,
          ...refuse.map((l) => `  ${l}`),
          `  fi`,
          indent(`${writeFileScript(s.path, owner, group, mode).trimEnd()} < "$candidate" >/dev/null`),
        ]),
    `  changed=yes`,
    `  echo "wrote $dest (${s.checkerName}: ok)"`,
    `fi`,
    s.apply?.trimEnd(),
  );
}

const indent = (text: string) => text.replace(/^/gm, "  ");

export function checkedFile(name: string, args: CheckedFileArgs, opts?: pulumi.CustomResourceOptions): RemoteCommand {
  const body = pulumi.output(args.checker).apply((checker) => checkedFileScript({ ...args, checker }));
  const onDelete =
    args.contentOnDelete !== undefined
      ? // No stdin on delete: the content travels in a quoted here-document.
        body.apply((b) => `(\n${b}) <<'OPENCLAW_EOF'\n${args.contentOnDelete}OPENCLAW_EOF\n`)
      : (args.delete ?? `rm -f ${sh(args.path)}\n`);
  return new RemoteCommand(
    name,
    {
      connection: args.connection,
      label: `write ${args.path} (checked by ${args.checkerName})`,
      create: body,
      delete: onDelete,
      stdin: args.content,
      check: fileFactsScript(args.path),
      observed: fileFacts(args),
    },
    opts,
  );
}
