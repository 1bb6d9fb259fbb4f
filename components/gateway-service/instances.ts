// Several gateways on one host (OpenClaw's "multiple gateways": each its own port, config path,
// state directory and workspace). An instance's paths come from its name alone: the instance
// named `default` keeps the paths of a host with one gateway (a stack without `instances` has
// only it, so an existing host upgrades without moving data); any other adds `-<name>`, as
// nix-openclaw's `instances.<name>` does.

/** The one instance of a stack that sets no `gateway.instances`. */
export const DEFAULT_INSTANCE = "default";

/** Instance names: a systemd unit, a user and a path are made from them. */
export const INSTANCE_NAME = /^[a-z][a-z0-9]{0,15}$/;

/** "" for the default instance, "-<name>" for any other: what its unit, user and paths add. */
export function instanceSuffix(instance: string): string {
  return instance === DEFAULT_INSTANCE ? "" : `-${instance}`;
}

/** Where an instance lives on its host. */
export interface InstancePaths {
  configDir: string;
  envFile: string;
  configFile: string;
  stateDir: string;
  /** StateDirectory= of its unit: stateDir under /var/lib. */
  stateDirectory: string;
  unit: string;
  /** Its system user and group. */
  user: string;
  /** The journal's identifier of its lines. */
  syslogIdentifier: string;
}

export function instancePaths(instance: string): InstancePaths {
  const sfx = instanceSuffix(instance);
  const configDir = `/etc/openclaw${sfx}`;
  return {
    configDir,
    envFile: `${configDir}/gateway.env`,
    configFile: `${configDir}/openclaw.json`,
    stateDir: `/var/lib/openclaw${sfx}`,
    stateDirectory: `openclaw${sfx}`,
    unit: `openclaw-gateway${sfx}.service`,
    user: `openclaw${sfx}`,
    syslogIdentifier: `openclaw-gateway${sfx}`,
  };
}

/** The instance a gateway unit runs, from its name ("openclaw-gateway-work.service": work); undefined for another unit. */
export function instanceOfUnit(unit: string): string | undefined {
  const m = /^openclaw-gateway(?:-([a-z][a-z0-9]{0,15}))?\.service$/.exec(unit);
  return m ? (m[1] ?? DEFAULT_INSTANCE) : undefined;
}

/**
 * The label naming an instance wherever the topology tells instances apart: each one's blackbox
 * probe target, its alerts, its unit's journal lines in Loki, the dashboard's variable.
 */
export const INSTANCE_LABEL = "instance_name";

/** Where the releases live: one per host, shared by its instances (they run one version). */
export const INSTALL_ROOT = "/opt/openclaw";

/**
 * OpenClaw derives ports from an instance's base port up to base + 110 (browser control at +2,
 * its CDP range to +110); its docs ask for 120 between the base ports of two instances.
 */
export const PORT_SPACING = 120;
