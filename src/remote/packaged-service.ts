// A service Debian's package ships with its own unit and an /etc/default file whose ARGS are
// the whole command line (prometheus, prometheus-node-exporter, -alertmanager,
// -blackbox-exporter, -postgres-exporter, -pgbackrest-exporter), built by one factory,
// packagedService. The unit stays as shipped:
//   hold (masked: the package would start it on every address the moment it is installed)
//   -> package -> [the component's own files, checked or plain] -> ARGS (checked by the installed
//   binary parsing them) -> hardened drop-in (unmask, enable, restart on any change, wait).
// The drop-in step is the one that starts the service, so it is the one that unmasks it: when
// the package was removed by hand, its removal script masks the unit and the hold masks it
// again before the reinstall, and the ARGS file, unchanged, has nothing to do.
// Destroy removes the drop-in, stops and disables the service and restores Debian's
// defaults file; the package stays installed (removing it is the operator's call).
import * as pulumi from "@pulumi/pulumi";
import { aptPackages } from "./apt";
import { checkedFile, CheckedFileSpec } from "./checked-file";
import { RemoteCommand } from "./command";
import { digest, FileArgs, remoteFile } from "./file";
import { HttpHealthCheck } from "./health";
import { sh } from "./shell";
import { Connection } from "./ssh";
import { systemdDropIn } from "./systemd";
import { MANAGED_HEADER, UnitLine, UnitSpec } from "./unit-file";
import { Directive } from "../hardening";
import { template } from "../template";

export interface PackagedServicePaths {
  package: string;
  unit: string;
  binary: string;
  /** The package's EnvironmentFile (a conffile) holding ARGS. */
  defaults: string;
  /** Our drop-in's file stem, e.g. 10-openclaw. */
  dropIn: string;
}

const holdTemplate = template<{ unit: string; package: string; defaults: string }>(__dirname, "hold.sh.hbs");
const argsDeleteTemplate = template<{ path: string; unit: string; stock: string }>(__dirname, "args-delete.sh.hbs");
const defaultsTemplate = template<{ unit: string; args: string }>(__dirname, "debian-defaults.hbs");

/** Runs before the package install: keeps the package from starting the unit unconfigured. */
export function renderHoldScript(p: PackagedServicePaths): string {
  return holdTemplate({ unit: p.unit, package: p.package, defaults: p.defaults });
}

/** Undoes the ARGS step: the service stopped and disabled, Debian's defaults file (`stock`) back. */
export function renderArgsDelete(p: PackagedServicePaths, stock: string): string {
  return argsDeleteTemplate({ path: p.defaults, unit: p.unit, stock });
}

/** The defaults file. Flags are validated values (addresses, names, paths): no quoting needed. */
export function renderDefaults(p: PackagedServicePaths, flags: string[]): string {
  return defaultsTemplate({ unit: p.unit, args: flags.join(" ") });
}

/** ARGS as a checked file: kingpin refuses an unknown flag before it prints its usage. */
export function argsFileSpec(p: PackagedServicePaths, flags: string[]): CheckedFileSpec {
  return {
    path: p.defaults,
    checkerName: `${p.binary} --help`,
    // Its complaint (stderr) is what the checker prints; the usage text (stdout) is not.
    checker: `${sh(p.binary)} ${flags.map(sh).join(" ")} --help 2>&1 >/dev/null </dev/null`,
  };
}

export interface PackagedDropIn {
  /** What ARGS holds, for the header: "listen address, collectors". */
  argsHold?: string;
  /** The component's own [Service] lines, after the calm restarts. */
  service?: UnitLine[];
  hardening: Directive[];
}

/** Our drop-in: network-online ordering, calm restarts, then the component's own [Service] lines and hardening. */
export function packagedDropIn(p: PackagedServicePaths, d: PackagedDropIn): UnitSpec {
  return {
    header: [
      MANAGED_HEADER,
      `On top of Debian's ${p.unit}, which stays as the package ships it.`,
      `Its arguments${d.argsHold ? ` (${d.argsHold})` : ""} are ARGS in ${p.defaults}.`,
    ],
    sections: {
      Unit: [
        { comment: "It binds the host's private address, which may come up after network.target." },
        ["Wants", "network-online.target"],
        ["After", "network-online.target"],
      ],
      Service: [
        { comment: "A failed bind is retried calmly instead of hitting the start limit within a second." },
        ["RestartSec", "5"],
        ...(d.service ?? []),
      ],
    },
    hardening: d.hardening,
  };
}

/** Hold, then the package. Returns the package step: the component's files follow it. */
function holdAndInstall(
  name: string,
  connection: pulumi.Input<Connection>,
  p: PackagedServicePaths,
  parent: pulumi.Resource,
): RemoteCommand {
  const hold = new RemoteCommand(
    `${name}-hold`,
    {
      connection,
      label: `hold ${p.unit} until configured`,
      create: renderHoldScript(p),
      // Held, or past it: the package installed. A wiped host shows "missing" and is held again.
      check: `if dpkg-query -W -f='\${db:Status-Abbrev}' ${p.package} 2>/dev/null | grep -q '^ii'; then echo package=installed; else echo package=missing; fi\n`,
      observed: "package=installed",
    },
    { parent },
  );
  return aptPackages(`${name}-package`, { connection, packages: [p.package] }, { parent, dependsOn: [hold] });
}

interface ArgsAndDropInArgs {
  connection: pulumi.Input<Connection>;
  paths: PackagedServicePaths;
  flags: string[];
  /** Debian's defaults file, restored on destroy. */
  stockDefaults: string;
  dropIn: UnitSpec;
  /** The component's own files the service reads, each with its content: a change restarts it. */
  files: { path: string; content: pulumi.Input<string> }[];
  healthCheck: HttpHealthCheck;
}

/** ARGS, then the drop-in (restart, health wait). Returns the drop-in step. */
function argsAndDropIn(name: string, a: ArgsAndDropInArgs, opts: pulumi.CustomResourceOptions): RemoteCommand {
  const defaults = renderDefaults(a.paths, a.flags);
  const argsFile = checkedFile(
    `${name}-args`,
    { connection: a.connection, ...argsFileSpec(a.paths, a.flags), content: defaults, delete: renderArgsDelete(a.paths, a.stockDefaults) },
    opts,
  );
  return systemdDropIn(
    `${name}-drop-in`,
    {
      connection: a.connection,
      unit: a.paths.unit,
      name: a.paths.dropIn,
      spec: a.dropIn,
      reads: [a.paths.defaults, ...a.files.map((f) => f.path)],
      restartTriggers: [digest(defaults), ...a.files.map((f) => digest(f.content))],
      healthCheck: a.healthCheck,
    },
    { parent: opts.parent, dependsOn: [argsFile] },
  );
}

/**
 * A file of the component's own the service reads, written after the package and before ARGS,
 * in the order given. `step` names its step (<name>-<step>). Checked by the program when it has
 * `checked` (a config), written plain otherwise (a credential: secret content on stdin).
 */
export type ServiceFile = { step: string; content: pulumi.Input<string> } & (
  { checked: CheckedFileSpec } | { plain: Omit<FileArgs, "connection" | "content"> }
);

export interface PackagedServiceArgs extends Omit<ArgsAndDropInArgs, "files"> {
  files?: ServiceFile[];
  /** Files it reads that other steps write, with their content (or its digest): a change restarts it. */
  alsoReads?: { path: string; content: pulumi.Input<string> }[];
  /** Steps ARGS and the restart wait for besides the files (a database role, a backup stanza). */
  after?: pulumi.Resource[];
}

/**
 * The whole packaged service, hold -> package -> its files -> ARGS -> drop-in, as children of
 * `parent`. Returns the drop-in step: done once the service answers its health check.
 */
export function packagedService(name: string, a: PackagedServiceArgs, parent: pulumi.Resource): RemoteCommand {
  const { files = [], alsoReads = [], after = [], ...rest } = a;
  let previous: pulumi.Resource = holdAndInstall(name, a.connection, a.paths, parent);
  for (const f of files) {
    const opts = { parent, dependsOn: [previous] };
    previous =
      "checked" in f
        ? checkedFile(`${name}-${f.step}`, { connection: a.connection, ...f.checked, content: f.content }, opts)
        : remoteFile(`${name}-${f.step}`, { connection: a.connection, ...f.plain, content: f.content }, opts);
  }
  const reads = [...files.map((f) => ({ path: "checked" in f ? f.checked.path : f.plain.path, content: f.content })), ...alsoReads];
  return argsAndDropIn(name, { ...rest, files: reads }, { parent, dependsOn: [previous, ...after] });
}
