// HostSystem: the first step on every host, which refuses a system the components are not
// written for before anything on it changes (every later entry waits for it). Destroy leaves
// nothing behind: it changed nothing.
import * as pulumi from "@pulumi/pulumi";
import { RemoteCommand } from "../../src/remote/command";
import { Connection } from "../../src/remote/ssh";
import { parseOrThrow } from "../../src/validate";
import { checkScript, factsScript, OS_RELEASE } from "./render";
import { SystemOptions, systemOptionsSchema } from "./schema";

export * from "./schema";

export interface HostSystemArgs extends SystemOptions {
  connection: pulumi.Input<Connection>;
  /** The topology's name of the host, for the message. */
  host: string;
}

export class HostSystem extends pulumi.ComponentResource {
  /** The system the host runs, as /etc/os-release names it. */
  readonly name: pulumi.Output<string | undefined>;

  constructor(name: string, args: HostSystemArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:host:HostSystem", name, {}, opts);
    const { connection, host, ...options } = args;
    const s = parseOrThrow(systemOptionsSchema, options, `HostSystem ${name}: `);
    const check = new RemoteCommand(
      `${name}-check`,
      {
        connection,
        label: `supported system (${OS_RELEASE})`,
        create: checkScript(host, s),
        captureResult: true,
        check: factsScript(),
        observed: "supported=yes",
      },
      { parent: this },
    );
    this.name = check.result;
    this.registerOutputs({ name: this.name });
  }
}
