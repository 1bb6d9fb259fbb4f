// Program entry: `pulumi up -s <stack>` deploys that stack's host of the topology.
import { loadStackConfig } from "./config";
import { deployHost } from "./program";

const { config, secrets } = loadStackConfig();
const deployed = deployHost(config, secrets);

export const host = deployed.host;
export const roles = deployed.roles;
export const metricsUrl = deployed.metricsUrl;
export const logAgent = deployed.logAgent;
export const nodeVersion = deployed.nodeVersion;
export const gatewayHealthUrl = deployed.gatewayHealthUrl;
export const gatewayVersion = deployed.gatewayVersion;
export const publicUrl = deployed.publicUrl;
/** Read by the gateway's stack: where its database is, and (secret) the password. */
export const database = deployed.database;
export const databasePassword = deployed.databasePassword;
export const scrapeTargets = deployed.scrapeTargets;
