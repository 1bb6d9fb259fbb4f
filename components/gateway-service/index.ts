// GatewayService: the OpenClaw gateway as a hardened system service under its own user.
// It fetches a pinned openclaw release, has that release's security audit and validator judge
// a new openclaw.json before it replaces the running one (a critical finding or a refused file
// fails the deploy with the gateway untouched), writes gateway.env (secrets, 0600), switches to
// the release, and (re)starts the unit only when one of those or the unit itself changed, then waits for
// /health. A new release that fails /health is rolled back to the one that ran before, and the
// deploy fails (see installSpec). An openclaw release whose engines.node the runtime does not
// satisfy fails preview.
import * as pulumi from "@pulumi/pulumi";
import { RemoteCommand } from "../../src/remote/command";
import { checkedFile } from "../../src/remote/checked-file";
import { digest, remoteDirectory, remoteFile } from "../../src/remote/file";
import { versionedFetch, versionedInstall } from "../../src/remote/install";
import { Connection } from "../../src/remote/ssh";
import { systemdUnit } from "../../src/remote/systemd";
import { systemUser } from "../../src/remote/user";
import { parseOrThrow } from "../../src/validate";
import type { NodeRuntime } from "../node-runtime";
import { assertCompatible } from "./engines";
import {
  auditReport,
  configChecker,
  configFileSpec,
  CURRENT,
  GatewayPeers,
  healthCheck,
  installSpec,
  PATHS,
  ReleaseNode,
  renderAuditScript,
  renderConfig,
  renderEnv,
  renderSeedFacts,
  renderSeedScript,
  unitSpec,
} from "./render";
import { GatewayOptions, gatewayOptionsSchema, GatewaySecrets, gatewaySecretsSchema } from "./schema";

export * from "./schema";

export interface GatewayServiceArgs extends GatewayOptions {
  connection: pulumi.Input<Connection>;
  runtime: NodeRuntime;
  /** npm registry the host installs openclaw from. */
  registry?: string;
  /** Secret values; the whole object is treated as secret. */
  secrets: pulumi.Input<GatewaySecrets>;
  /** Derived from the topology: OTLP endpoint, extra allowed origins. */
  peers?: GatewayPeers;
  /**
   * Run when the state directory is blank (a new or wiped host), before the gateway first
   * starts: a backup tool's restore, once `after` is done. A host with data is never seeded.
   */
  seed?: { script: string; after: pulumi.Resource[] };
  /** Steps the install of a release waits for, e.g. a backup of the state before an upgrade. */
  beforeInstall?: pulumi.Resource[];
}

export class GatewayService extends pulumi.ComponentResource {
  /** URL of /health on the host itself. */
  readonly healthUrl: string;
  /** The openclaw version running once the deploy finished. */
  readonly version: pulumi.Output<string>;
  readonly unitName: string = PATHS.unit;

  constructor(name: string, args: GatewayServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:gateway:GatewayService", name, {}, opts);
    const { connection, runtime, secrets, peers, seed, beforeInstall = [], registry = "https://registry.npmjs.org/", ...options } = args;
    const s = parseOrThrow(gatewayOptionsSchema, options, `GatewayService ${name}: `);
    const parent = { parent: this };
    this.healthUrl = healthCheck(s).url;

    // Checked while planning: a preview with an incompatible pair fails before any change.
    const compatible = runtime.plannedVersion.apply((node) => assertCompatible(registry, s.version, node));

    const user = systemUser(`${name}-user`, { connection, user: PATHS.user, home: PATHS.stateDir }, parent);

    // root-owned, group openclaw: the service reads its files here but cannot add or replace
    // one. openclaw.json is its own, 0600 (the release's audit wants no group access); the
    // unit's ProtectSystem=strict and the read-only config mode keep it from writing it.
    const configDir = remoteDirectory(
      `${name}-config-dir`,
      { connection, path: PATHS.configDir, owner: "root", group: PATHS.user, mode: "0750" },
      { ...parent, dependsOn: [user] },
    );

    const envContent = pulumi.secret(
      pulumi.output(secrets).apply((raw) => {
        const sec = parseOrThrow(gatewaySecretsSchema, raw, `GatewayService ${name}: secrets.`);
        return renderEnv({ ...s.env, ...sec.env, OPENCLAW_GATEWAY_TOKEN: sec.token });
      }),
    );
    const envFile = remoteFile(
      `${name}-env`,
      { connection, path: PATHS.envFile, content: envContent, mode: "0600" },
      { ...parent, dependsOn: [configDir] },
    );

    // The release is fetched (not yet run) first, so its own checks judge the new openclaw.json
    // before the file replaces the running one: the security audit, then the validator.
    // The Node the release is installed with and keeps (see installSpec): a Node upgrade is a new
    // release folder, and a rollback goes back to the Node the old release ran on.
    const node = pulumi.all([runtime.plannedVersion, runtime.nodePath]).apply(([version, path]): ReleaseNode => ({ version, path }));
    const spec = pulumi.all([compatible, node]).apply(([, n]) => installSpec(s, registry, n));
    const release = versionedFetch(`${name}-release`, { connection, spec }, { ...parent, dependsOn: [runtime.ready] });

    const configContent = renderConfig(s, peers);
    const audit = new RemoteCommand(
      `${name}-audit`,
      {
        connection,
        label: `openclaw ${s.version} security audit of the new ${PATHS.configFile}`,
        create: node.apply((n) => renderAuditScript(s, n)),
        stdin: configContent,
        // gateway.env is part of what the audit judges (the secrets the references resolve to).
        triggers: [digest(envContent)],
        captureResult: true,
      },
      { ...parent, dependsOn: [release, user, envFile] },
    );
    audit.result.apply((result) => {
      const { warnings, notes } = auditReport(result);
      for (const w of warnings)
        pulumi.log.warn(
          `openclaw security audit: ${w.checkId}: ${w.title} (accept it with a reason: gateway.audit.accept.${w.checkId})`,
          this,
        );
      for (const note of notes) pulumi.log.info(`openclaw security audit: ${note}`, this);
    });
    const configFile = checkedFile(
      `${name}-config`,
      { connection, content: configContent, ...configFileSpec(s), checker: node.apply((n) => configChecker(s, n)) },
      { ...parent, dependsOn: [configDir, audit] },
    );

    // Before anything can start the gateway (the install step restarts an enabled unit, the unit
    // step starts it), and after a backup before an upgrade (a blank host has none to take). On
    // refresh, a state directory found blank shows as a change: `up --refresh` restores it.
    const seeded = seed
      ? new RemoteCommand(
          `${name}-seed`,
          {
            connection,
            label: `seed ${PATHS.stateDir} on a blank host`,
            create: renderSeedScript(seed.script),
            check: renderSeedFacts(),
            observed: "state=present",
          },
          { ...parent, dependsOn: [user, ...beforeInstall, ...seed.after] },
        )
      : undefined;

    // The install step exists only once the engines check passed. It comes after the files, so
    // a new release is started (and judged) with the configuration it is going to run with; on
    // a host where the unit runs, it restarts the unit itself and rolls back on a failed /health.
    const install = versionedInstall(
      `${name}-install`,
      { connection, spec },
      { ...parent, dependsOn: [release, user, envFile, configFile, ...(seeded ? [seeded] : beforeInstall)] },
    );

    const unit = systemdUnit(
      `${name}-unit`,
      {
        connection,
        name: PATHS.unit,
        spec: unitSpec(s),
        // `current` too: switched after the service started (an activation cut short), it is stale.
        reads: [PATHS.envFile, PATHS.configFile, CURRENT],
        // Not the version: the install step restarts the unit onto a new release itself.
        restartTriggers: [digest(envContent), digest(configContent)],
        healthCheck: healthCheck(s),
      },
      { ...parent, dependsOn: [install, envFile, configFile] },
    );

    this.version = pulumi.all([install.result, unit.id]).apply(([v]) => v ?? s.version);
    this.registerOutputs({ healthUrl: this.healthUrl, version: this.version });
  }
}
