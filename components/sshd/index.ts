// Sshd: a hardening drop-in for the host's OpenSSH server, checked by `sshd -t` in place (sshd
// checks the configuration it reads, drop-ins included; a refused file is put back) and
// applied by a reload, which keeps every open connection, the deploy's own included.
// Destroy removes the drop-in and reloads: Debian's defaults apply again.
import * as pulumi from "@pulumi/pulumi";
import { checkedFile } from "../../src/remote/checked-file";
import { script, sh } from "../../src/remote/shell";
import { Connection } from "../../src/remote/ssh";
import { parseOrThrow } from "../../src/validate";
import { PATHS, renderDropIn } from "./render";
import { SshdOptions, sshdOptionsSchema } from "./schema";

export * from "./schema";

export interface SshdArgs extends SshdOptions {
  connection: pulumi.Input<Connection>;
}

/** Reloads sshd when the drop-in changed. */
export const RELOAD = script(`if [ "$changed" = yes ]; then systemctl reload ${sh(PATHS.unit)}; echo ${sh(`reloaded ${PATHS.unit}`)}; fi`);

export function removeScript(): string {
  return script(
    `rm -f ${sh(PATHS.dropIn)}`,
    `systemctl reload ${sh(PATHS.unit)}`,
    `echo ${sh(`removed ${PATHS.dropIn}, reloaded ${PATHS.unit}`)}`,
  );
}

export class Sshd extends pulumi.ComponentResource {
  constructor(name: string, args: SshdArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:host:Sshd", name, {}, opts);
    const { connection, ...options } = args;
    const s = parseOrThrow(sshdOptionsSchema, options, `Sshd ${name}: `);
    checkedFile(
      `${name}-drop-in`,
      {
        connection,
        path: PATHS.dropIn,
        content: renderDropIn(s),
        mode: "0644",
        checkInPlace: true,
        checker: "sshd -t",
        checkerName: "sshd -t",
        apply: RELOAD,
        delete: removeScript(),
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
