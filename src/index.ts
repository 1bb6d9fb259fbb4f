// Program entry: `pulumi up -s <stack>` deploys that stack's host of the topology.
import { loadStackConfig } from "./config";
import { deployHost } from "./program";

const { config, secrets } = loadStackConfig();
const deployed = deployHost(config, secrets);

export const host = deployed.host;
export const roles = deployed.roles;
export const nodeVersion = deployed.nodeVersion;
export const gatewayHealthUrl = deployed.gatewayHealthUrl;
export const gatewayVersion = deployed.gatewayVersion;
