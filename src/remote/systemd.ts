// A systemd unit: write it, daemon-reload, enable, and (re)start it whenever the unit or
// anything listed in restartTriggers changed, then wait for health. Delete stops, disables
// and removes it.
import * as pulumi from "@pulumi/pulumi";
import { RemoteCommand } from "./command";
import { writeFileScript } from "./file";
import { healthWaitScript, HttpHealthCheck } from "./health";
import { Connection } from "./ssh";
import { script, sh } from "./shell";

export interface UnitArgs {
  connection: pulumi.Input<Connection>;
  /** Unit name with suffix, e.g. "openclaw-gateway.service". */
  name: string;
  content: pulumi.Input<string>;
  /** Digests of what the service reads (config, env, installed version): a change restarts it. */
  restartTriggers?: pulumi.Input<string>[];
  healthCheck?: HttpHealthCheck;
}

export function systemdUnit(name: string, args: UnitArgs, opts?: pulumi.CustomResourceOptions): RemoteCommand {
  const path = `/etc/systemd/system/${args.name}`;
  const unit = sh(args.name);
  return new RemoteCommand(
    name,
    {
      connection: args.connection,
      label: `unit ${args.name}`,
      create: script(
        writeFileScript(path),
        `systemctl daemon-reload`,
        `systemctl enable --quiet ${unit}`,
        `systemctl restart ${unit}`,
        `echo "restarted ${args.name}"`,
        args.healthCheck && healthWaitScript(args.healthCheck),
      ),
      delete: script(
        `systemctl disable --now --quiet ${unit} 2>/dev/null || true`,
        `rm -f ${sh(path)}`,
        `systemctl daemon-reload`,
        `systemctl reset-failed ${unit} 2>/dev/null || true`,
      ),
      stdin: args.content,
      triggers: args.restartTriggers,
    },
    opts,
  );
}
