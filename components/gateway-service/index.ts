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
  pluginFacts,
  pluginInstallScript,
  releaseName,
  ReleaseNode,
  renderAuditScript,
  renderConfig,
  renderEnv,
  renderSeedFacts,
  renderSeedScript,
  unitSpec,
} from "./render";
import { DEFAULT_INSTANCE, instanceSuffix } from "./instances";
import { pluginFactsObserved } from "./plugins";
import {
  gatewayInstances,
  GatewayOptions,
  gatewayOptionsSchema,
  GatewaySecrets,
  gatewaySecretsSchema,
  InstanceSettings,
  pathsOf,
} from "./schema";

export * from "./schema";

export interface GatewayServiceArgs extends GatewayOptions {
  connection: pulumi.Input<Connection>;
  runtime: NodeRuntime;
  /** npm registry the host installs openclaw from. */
  registry?: string;
  /** Secret values per instance name; the whole object is treated as secret. */
  secrets: pulumi.Input<Record<string, GatewaySecrets>>;
  /** Derived from the topology, per instance name: OTLP endpoints, extra allowed origins. */
  peers?: Record<string, GatewayPeers>;
  /**
   * Per instance name: run when its state directory is blank (a new or wiped host), before the
   * gateway first starts: a backup tool's restore, once `after` is done. A host with data is never seeded.
   */
  seed?: Record<string, { script: string; after: pulumi.Resource[] }>;
  /** Steps the install of a release waits for, e.g. a backup of each state before an upgrade. */
  beforeInstall?: pulumi.Resource[];
}

/** One gateway of the host, once deployed. */
export interface GatewayInstance {
  name: string;
  /** URL of its readiness on the host itself. */
  healthUrl: string;
  unitName: string;
  /** The plugins it runs, "<spec>@<version>". */
  plugins: string[];
}

export class GatewayService extends pulumi.ComponentResource {
  /** URL of the first instance's readiness on the host itself. */
  readonly healthUrl: string;
  /** The openclaw version running once the deploy finished. */
  readonly version: pulumi.Output<string>;
  readonly unitName: string;
  readonly instances: GatewayInstance[];

  constructor(name: string, args: GatewayServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openclaw:gateway:GatewayService", name, {}, opts);
    const {
      connection,
      runtime,
      secrets,
      peers = {},
      seed = {},
      beforeInstall = [],
      registry = "https://registry.npmjs.org/",
      ...options
    } = args;
    const instances = gatewayInstances(parseOrThrow(gatewayOptionsSchema, options, `GatewayService ${name}: `));
    const [first] = instances;
    const parent = { parent: this };

    // Checked while planning: a preview with an incompatible pair fails before any change.
    const compatible = runtime.plannedVersion.apply((node) => assertCompatible(registry, first.version, node));

    // The release is fetched (not yet run) first, so its own checks judge each new openclaw.json
    // before the file replaces the running one: the security audit, then the validator.
    // The Node the release is installed with and keeps (see installSpec): a Node upgrade is a new
    // release folder, and a rollback goes back to the Node the old release ran on.
    const node = pulumi.all([runtime.plannedVersion, runtime.nodePath]).apply(([version, path]): ReleaseNode => ({ version, path }));
    const spec = pulumi.all([compatible, node]).apply(([, n]) => installSpec(first, registry, n, instances));
    const release = versionedFetch(`${name}-release`, { connection, spec }, { ...parent, dependsOn: [runtime.ready] });

    // An instance's resources: the default instance keeps a single gateway's names.
    const named = (s: InstanceSettings) => `${name}${instanceSuffix(s.instance)}`;
    const instanceSecrets = pulumi.output(secrets);
    const files = instances.map((s) =>
      this.instanceFiles(s, named(s), {
        connection,
        node,
        release,
        peers: peers[s.instance],
        secrets: instanceSecrets.apply((all) => all[s.instance]),
        seed: seed[s.instance],
        beforeInstall,
      }),
    );

    // The install step exists only once the engines check passed. It comes after every instance's
    // files, so a new release is started (and judged) with the configuration it is going to run
    // with; on a host where the units run, it restarts each itself and rolls back on a failed readiness.
    const install = versionedInstall(
      `${name}-install`,
      { connection, spec },
      // A seed waits for the backups before an upgrade itself; without one, the install does.
      { ...parent, dependsOn: [release, ...files.flatMap((f) => f.before), ...(Object.keys(seed).length > 0 ? [] : beforeInstall)] },
    );

    const units = instances.map((s, i) => {
      const paths = pathsOf(s);
      const { envContent, configContent, envFile, configFile } = files[i];
      const plugins =
        Object.keys(s.plugins).length > 0
          ? this.plugins(s, named(s), connection, registry, node, [install, envFile, configFile])
          : undefined;
      return systemdUnit(
        `${named(s)}-unit`,
        {
          connection,
          name: paths.unit,
          spec: unitSpec(s),
          // `current` too: switched after the service started (an activation cut short), it is stale.
          reads: [paths.envFile, paths.configFile, CURRENT],
          // Not the version: the install step restarts the unit onto a new release itself.
          restartTriggers: [digest(envContent), digest(configContent)],
          healthCheck: healthCheck(s),
        },
        { ...parent, dependsOn: [install, envFile, configFile, ...(plugins ? [plugins] : [])] },
      );
    });

    this.instances = instances.map((s) => ({
      name: s.instance,
      healthUrl: healthCheck(s).url,
      unitName: pathsOf(s).unit,
      plugins: Object.entries(s.plugins).map(([spec, version]) => `${spec}@${version}`),
    }));
    this.healthUrl = this.instances[0].healthUrl;
    this.unitName = this.instances[0].unitName;
    this.version = pulumi.all([install.result, ...units.map((u) => u.id)]).apply(([v]) => v ?? first.version);
    this.registerOutputs({ healthUrl: this.healthUrl, version: this.version });
  }

  /**
   * An instance's pinned plugins, installed into its state by the release it runs: before its
   * unit first starts; later, a change of pins stops, installs and starts it again. A new
   * release installs them again itself (installSpec), so after an upgrade this finds them as
   * pinned. Deleted, it removes them (nothing pinned).
   */
  private plugins(
    s: InstanceSettings,
    name: string,
    connection: pulumi.Input<Connection>,
    registry: string,
    node: pulumi.Output<ReleaseNode>,
    after: pulumi.Resource[],
  ): RemoteCommand {
    const pins = Object.entries(s.plugins)
      .map(([spec, version]) => `${spec}@${version}`)
      .sort();
    return new RemoteCommand(
      `${name}-plugins`,
      {
        connection,
        label: `plugins of ${pathsOf(s).unit}: ${pins.join(", ")}`,
        create: pluginInstallScript(s, registry),
        delete: pluginInstallScript(s, registry, {}),
        check: pluginFacts(s),
        observed: node.apply((n) => pluginFactsObserved(s.plugins, releaseName(s, n))),
        triggers: node.apply((n) => [releaseName(s, n), ...pins]),
      },
      { parent: this, dependsOn: after },
    );
  }

  /**
   * One instance's user, directories, gateway.env, audited and validated openclaw.json, and
   * its seed on a blank host: what the release's install and the instance's unit wait for.
   * `name` is its resource prefix: the default instance keeps a single gateway's names.
   */
  private instanceFiles(s: InstanceSettings, name: string, a: InstanceInputs) {
    const { connection, node, release } = a;
    const parent = { parent: this };
    const paths = pathsOf(s);
    const user = systemUser(`${name}-user`, { connection, user: paths.user, home: paths.stateDir }, parent);

    // root-owned, group openclaw: the service reads its files here but cannot add or replace
    // one. openclaw.json is its own, 0600 (the release's audit wants no group access); the
    // unit's ProtectSystem=strict and the read-only config mode keep it from writing it.
    const configDir = remoteDirectory(
      `${name}-config-dir`,
      { connection, path: paths.configDir, owner: "root", group: paths.user, mode: "0750" },
      { ...parent, dependsOn: [user] },
    );

    const envContent = pulumi.secret(
      pulumi.output(a.secrets).apply((raw) => {
        const sec = parseOrThrow(gatewaySecretsSchema, raw, `GatewayService ${name}: secrets.`);
        return renderEnv({ ...s.env, ...sec.env, OPENCLAW_GATEWAY_TOKEN: sec.token });
      }),
    );
    const envFile = remoteFile(
      `${name}-env`,
      { connection, path: paths.envFile, content: envContent, mode: "0600" },
      { ...parent, dependsOn: [configDir] },
    );

    const configContent = renderConfig(s, a.peers);
    const audit = new RemoteCommand(
      `${name}-audit`,
      {
        connection,
        label: `openclaw ${s.version} security audit of the new ${paths.configFile}`,
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
      const key = s.instance === DEFAULT_INSTANCE ? "gateway" : `gateway.instances.${s.instance}`;
      for (const w of warnings)
        pulumi.log.warn(
          `openclaw security audit: ${w.checkId}: ${w.title} (accept it with a reason: ${key}.audit.accept.${w.checkId})`,
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
    const seeded = a.seed
      ? new RemoteCommand(
          `${name}-seed`,
          {
            connection,
            label: `seed ${paths.stateDir} on a blank host`,
            create: renderSeedScript(a.seed.script, paths),
            check: renderSeedFacts(paths),
            observed: "state=present",
          },
          { ...parent, dependsOn: [user, ...a.beforeInstall, ...a.seed.after] },
        )
      : undefined;

    return { envContent, configContent, envFile, configFile, before: [user, envFile, configFile, ...(seeded ? [seeded] : [])] };
  }
}

/** What each instance's files are made from, beside its options. */
interface InstanceInputs {
  connection: pulumi.Input<Connection>;
  node: pulumi.Output<ReleaseNode>;
  release: pulumi.Resource;
  peers?: GatewayPeers;
  secrets: pulumi.Input<GatewaySecrets>;
  seed?: { script: string; after: pulumi.Resource[] };
  beforeInstall: pulumi.Resource[];
}
