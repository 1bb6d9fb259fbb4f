// The program: what one stack deploys onto its host, derived from the topology and the
// host's roles. Every stack runs the same code; config decides which host it is.
import * as pulumi from "@pulumi/pulumi";
import { GatewayService } from "../components/gateway-service";
import { NodeRuntime } from "../components/node-runtime";
import { Secrets, StackConfig } from "./config";
import { Connection } from "./remote/ssh";

/** How the operator's machine reaches a host of the topology. */
export function connectionFor(config: StackConfig, host: string): Connection {
  const h = config.topology.hosts[host];
  return { host: h.address, port: h.sshPort, user: config.ssh.user, privateKeyPath: config.ssh.privateKeyPath, hostKey: h.hostKey };
}

export interface HostDeployment {
  host: string;
  roles: string[];
  nodeVersion?: pulumi.Output<string>;
  gatewayHealthUrl?: string;
  gatewayVersion?: pulumi.Output<string>;
}

/** `opts` applies to every component (e.g. transformations, protect). */
export function deployHost(config: StackConfig, secrets: pulumi.Output<Secrets>, opts?: pulumi.ComponentResourceOptions): HostDeployment {
  const host = config.host;
  const roles = config.topology.hosts[host].roles;
  const connection = connectionFor(config, host);
  const out: HostDeployment = { host, roles };

  if (roles.includes("gateway")) {
    const runtime = new NodeRuntime(
      `${host}-node`,
      { connection, ...config.node, distUrl: config.sources.nodeDist, nodeSourceUrl: config.sources.nodeSource },
      opts,
    );
    const gateway = new GatewayService(
      `${host}-gateway`,
      {
        connection,
        runtime,
        registry: config.sources.npmRegistry,
        ...config.gateway,
        secrets: secrets.apply((s) => ({ token: s.gatewayToken, env: s.gatewayEnv })),
      },
      opts,
    );
    out.nodeVersion = runtime.version;
    out.gatewayHealthUrl = gateway.healthUrl;
    out.gatewayVersion = gateway.version;
  }
  return out;
}
