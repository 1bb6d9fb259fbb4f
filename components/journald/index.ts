// Journald: the journal's size and age limits on every host, as a drop-in of journald.conf
// rendered from typed options. journald reads it only at its start: a change restarts it
// (logging programs keep their sockets; the journal is flushed first). Destroy removes the
// drop-in and restarts journald, so Debian's defaults apply again.
import * as pulumi from "@pulumi/pulumi";
import { RemoteCommand } from "../../src/remote/command";
import { fileFacts, fileFactsScript, writeFileScript } from "../../src/remote/file";
import { script, sh } from "../../src/remote/shell";
import { Connection } from "../../src/remote/ssh";
import { parseOrThrow } from "../../src/validate";
import { PATHS, renderDropIn } from "./render";
import { journaldOptionsSchema, JournaldOptions } from "./schema";

export * from "./schema";

export interface JournaldArgs extends JournaldOptions {
  connection: pulumi.Input<Connection>;
}

/** Runs only when the drop-in differs from what the host has (the step's create or update). */
export function applyScript(): string {
  return script(
    `${writeFileScript(PATHS.dropIn).trimEnd()}`,
    `systemctl restart ${sh(PATHS.unit)}`,
    `echo "restarted ${PATHS.unit}: $(journalctl --disk-usage)"`,
  );
}

export function removeScript(): string {
  return script(
    `rm -f ${sh(PATHS.dropIn)}`,
    `systemctl restart ${sh(PATHS.unit)}`,
    `echo "removed ${PATHS.dropIn}, restarted ${PATHS.unit}"`,
  );
}

export class Journald extends pulumi.ComponentResource {
  constructor(name: string, args: JournaldArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:host:Journald", name, {}, opts);
    const { connection, ...options } = args;
    const s = parseOrThrow(journaldOptionsSchema, options, `Journald ${name}: `);
    new RemoteCommand(
      `${name}-limits`,
      {
        connection,
        label: `journald limits ${PATHS.dropIn}`,
        create: applyScript(),
        delete: removeScript(),
        stdin: renderDropIn(s),
        check: fileFactsScript(PATHS.dropIn),
        observed: fileFacts(),
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
