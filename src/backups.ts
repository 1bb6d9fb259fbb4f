// Where a host's backups go: a repository on another host of the topology, so losing one host
// never loses its backups. Shared by pgBackRest's and restic's entries.
import * as pulumi from "@pulumi/pulumi";
import type { BuildContext } from "./registry/types";
import { Topology } from "./topology";

/** The host that holds a backup repository of `host`'s data: the one named, else the first other host. */
export function repositoryHost(topology: Topology, host: string, named: string | undefined, key: string): string {
  const others = Object.keys(topology.hosts).filter((h) => h !== host);
  if (named !== undefined) {
    if (named === host)
      throw new pulumi.RunError(
        `openclaw-infra:${key}.repositoryHost: '${named}' is this host; backups go to another host, so losing one never loses both`,
      );
    if (!others.includes(named))
      throw new pulumi.RunError(
        `openclaw-infra:${key}.repositoryHost: '${named}' is not a host of the topology (hosts: ${Object.keys(topology.hosts).join(", ")})`,
      );
    return named;
  }
  if (others.length === 0)
    throw new pulumi.RunError(`openclaw-infra:${key}: backups need a second host of the topology for their repository`);
  return others[0];
}

/** A backup component's repository host: how the operator reaches it (to make its account) and how the client does (its sshd listener). */
export function backupRepository(ctx: BuildContext<{ repositoryHost?: string }>, key: string) {
  const host = repositoryHost(ctx.config.topology, ctx.host, ctx.options.repositoryHost, key);
  const sshd = ctx.peer("ssh", "sshd", host);
  return {
    repositoryConnection: ctx.connectionTo(host),
    repository: { host, address: sshd.ip, sshPort: sshd.port, hostKey: ctx.config.topology.hosts[host].hostKey },
  };
}
