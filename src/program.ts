// The program: what one stack deploys onto its host. Every stack runs the same code; config
// decides which host it is, the host's roles which registry entries it builds (in registry
// order, each seeing what the earlier ones built), and peer addresses come from the topology
// and the listeners the entries declare.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Secrets, StackConfig } from "./config";
import { ComponentOutputs, componentsOn, hostListeners, SomeComponent } from "./registry";
import { Connection } from "./remote/ssh";
import { PROJECT } from "./settings";
import { Role } from "./topology";
import { parseOrThrow } from "./validate";

/** How the operator's machine reaches a host of the topology. */
export function connectionFor(config: StackConfig, host: string): Connection {
  const h = config.topology.hosts[host];
  return { host: h.address, port: h.sshPort, user: config.ssh.user, hostKey: h.hostKey };
}

/** The stack's outputs: what each component built here exports, plus the observability host's scrape targets. */
export type HostDeployment = { host: string; roles: Role[]; scrapeTargets?: string[] } & Partial<ComponentOutputs>;

/** `opts` applies to every component (e.g. transformations, protect). */
export function deployHost(config: StackConfig, secrets: pulumi.Output<Secrets>, opts?: pulumi.ComponentResourceOptions): HostDeployment {
  const host = config.host;
  const roles = config.topology.hosts[host].roles;
  const connection = connectionFor(config, host);
  const out: HostDeployment = { host, roles: [...roles] };
  // Every host's node-exporter, as the Prometheus there scrapes it.
  if (roles.includes("observability")) out.scrapeTargets = nodeExporterTargets(config);

  const built = new Map<SomeComponent, unknown>();
  let options = opts;
  for (const { entry, ctx } of componentsOn(config)) {
    const find = <R>(other: SomeComponent<R>) => built.get(other) as R | undefined;
    const need = <R>(other: SomeComponent<R>): R => {
      const found = find(other);
      if (found === undefined) throw new pulumi.RunError(`registry: ${entry.key} needs ${other.key}, which ${host} does not deploy`);
      return found;
    };
    // Its own secrets by its own shape: the ones it requires are there (loadStackConfig checked).
    const own = secrets.apply((all) => parseOrThrow(z.object(entry.secrets ?? {}), all, `${PROJECT}:`));
    const connectionTo = (other: string) => connectionFor(config, other);
    const result = entry.build({ ...ctx, connection, connectionTo, secrets: own, built: find, need, opts: options });
    built.set(entry, result);
    if (entry.foundation && result instanceof pulumi.Resource) options = after(result, options);
    Object.assign(out, entry.outputs?.(result, ctx));
  }
  return out;
}

/** `opts` whose components' resources, their children's included, all wait for `foundation` (all of its resources). */
function after(foundation: pulumi.Resource, opts: pulumi.ComponentResourceOptions | undefined): pulumi.ComponentResourceOptions {
  const waits: pulumi.ResourceTransformation = (args) => ({
    props: args.props,
    opts: pulumi.mergeOptions(args.opts, { dependsOn: [foundation] }),
  });
  // First, so that the transformations given (a test's recorder) see the dependency too.
  return { ...opts, transformations: [waits, ...(opts?.transformations ?? [])] };
}

function nodeExporterTargets(config: StackConfig): string[] {
  return Object.keys(config.topology.hosts).flatMap((host) =>
    hostListeners(config, host)
      .filter((l) => l.component === "nodeExporter")
      .map((l) => `${l.ip}:${l.port}`),
  );
}
