// The program: what one stack deploys onto its host, derived from the topology and the
// host's roles. Every stack runs the same code; config decides which host it is. Peer
// addresses come from the topology; the one value another stack creates (the gateway's
// database password) comes through a stack reference, kept secret.
import * as pulumi from "@pulumi/pulumi";
import { CloudflaredConnector, CloudflareTunnel } from "../components/cloudflare-tunnel";
import { GatewayService } from "../components/gateway-service";
import { NodeExporter } from "../components/node-exporter";
import { NodeRuntime } from "../components/node-runtime";
import { PostgresNative } from "../components/postgres-native";
import { connectionUrl } from "../components/postgres-native/render";
import { PromtailJournal } from "../components/promtail-journal";
import { Secrets, StackConfig } from "./config";
import { Connection } from "./remote/ssh";
import { hostWithRole, peerEndpoints } from "./topology";

/** How the operator's machine reaches a host of the topology. */
export function connectionFor(config: StackConfig, host: string): Connection {
  const h = config.topology.hosts[host];
  return { host: h.address, port: h.sshPort, user: config.ssh.user, hostKey: h.hostKey };
}

/**
 * The stack that deploys `host`: `stacks.<host>` when set, else this stack's name with this
 * host's name replaced (vps1 -> vps2, sandbox-vps1 -> sandbox-vps2).
 */
export function stackOf(config: StackConfig, host: string, thisStack: string): string {
  const named = config.stacks[host];
  if (named) return named;
  if (!thisStack.includes(config.host)) {
    throw new pulumi.RunError(`openclaw-infra:stacks.${host}: required, since stack '${thisStack}' does not contain '${config.host}' to derive it from`);
  }
  return thisStack.replace(config.host, host);
}

/** What the database stack exports for the gateway stack (the password is secret). */
export interface DatabaseExport {
  port: number;
  database: string;
  user: string;
  ssl: "require" | "disable";
}

export interface HostDeployment {
  host: string;
  roles: string[];
  nodeVersion?: pulumi.Output<string>;
  gatewayHealthUrl?: string;
  gatewayVersion?: pulumi.Output<string>;
  logAgent?: string;
  metricsUrl?: pulumi.Output<string>;
  database?: DatabaseExport;
  databasePassword?: pulumi.Output<string>;
  scrapeTargets?: string[];
  publicUrl?: string;
}

/** `opts` applies to every component (e.g. transformations, protect). */
export function deployHost(config: StackConfig, secrets: pulumi.Output<Secrets>, opts?: pulumi.ComponentResourceOptions): HostDeployment {
  const host = config.host;
  const roles = config.topology.hosts[host].roles;
  const privateAddress = config.topology.hosts[host].privateAddress;
  const connection = connectionFor(config, host);
  const peers = peerEndpoints(config.topology, config.nodeExporter.port);
  const out: HostDeployment = { host, roles };

  // Every host: its metrics for Prometheus and its journal for Loki.
  const exporter = new NodeExporter(`${host}-node-exporter`, { connection, listenAddress: privateAddress, ...config.nodeExporter }, opts);
  out.metricsUrl = exporter.metricsUrl;
  if (peers.lokiPushUrl) {
    const logs = new PromtailJournal(
      `${host}-logs`,
      {
        connection,
        ...config.logs,
        lokiUrl: peers.lokiPushUrl,
        hostLabel: host,
        releaseUrl: config.sources.logAgentReleases,
        releaseAsset: config.sources.logAgentAsset,
      },
      opts,
    );
    out.logAgent = logs.agent;
  }

  if (roles.includes("observability")) out.scrapeTargets = peers.scrapeTargets;

  if (roles.includes("database")) {
    const db = new PostgresNative(
      `${host}-postgres`,
      { connection, ...config.postgres, privateAddress, peers: peers.databasePeers, secrets: secrets.apply((s) => ({ passwords: s.postgresPasswords })) },
      opts,
    );
    const gatewayDb = config.postgres.databases[0];
    if (gatewayDb) {
      out.database = { port: db.port, database: gatewayDb.name, user: gatewayDb.owner, ssl: db.endpoint.ssl };
      out.databasePassword = pulumi.secret(db.password(gatewayDb.owner));
    }
  }

  if (roles.includes("gateway")) {
    const runtime = new NodeRuntime(
      `${host}-node`,
      { connection, ...config.node, distUrl: config.sources.nodeDist, nodeSourceUrl: config.sources.nodeSource },
      opts,
    );

    let publicUrl: string | undefined;
    if (config.tunnel) {
      const tunnel = new CloudflareTunnel(`${host}-tunnel`, { connection, ...config.tunnel }, opts);
      publicUrl = tunnel.publicUrl;
    } else if (config.cloudflared) {
      new CloudflaredConnector(`${host}-cloudflared`, { connection, ...config.cloudflared, token: secrets.apply((s) => s.tunnelToken!) }, opts);
    }
    out.publicUrl = publicUrl;

    const databaseUrl = gatewayDatabaseUrl(config, peers.databaseHost, host);
    const gateway = new GatewayService(
      `${host}-gateway`,
      {
        connection,
        runtime,
        registry: config.sources.npmRegistry,
        ...config.gateway,
        peers: { otlpEndpoint: peers.otlpEndpoint, extraOrigins: publicUrl ? [publicUrl] : [] },
        secrets: pulumi.all([secrets, databaseUrl]).apply(([s, url]) => ({
          token: s.gatewayToken!,
          env: { ...s.gatewayEnv, ...(url ? { DATABASE_URL: url } : {}) },
        })),
      },
      opts,
    );
    out.nodeVersion = runtime.version;
    out.gatewayHealthUrl = gateway.healthUrl;
    out.gatewayVersion = gateway.version;
  }
  return out;
}

/**
 * The gateway's DATABASE_URL: the host from the topology, the rest (port, database, role and
 * its password) from the database host's stack. Undefined without a database host.
 */
function gatewayDatabaseUrl(config: StackConfig, databaseHost: string | undefined, host: string): pulumi.Output<string | undefined> {
  const dbHostName = hostWithRole(config.topology, "database");
  if (!databaseHost || !dbHostName) return pulumi.output(undefined);
  if (dbHostName === host) throw new pulumi.RunError("topology: the gateway and the database on one host is not supported yet");
  const ref = new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${stackOf(config, dbHostName, pulumi.getStack())}`);
  const db = ref.requireOutput("database") as pulumi.Output<DatabaseExport>;
  const password = ref.requireOutput("databasePassword") as pulumi.Output<string>;
  return pulumi.secret(
    pulumi.all([db, password]).apply(([d, pw]) => connectionUrl({ host: databaseHost, port: d.port, ssl: d.ssl }, d.database, d.user, pw)),
  );
}
