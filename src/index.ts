// Program entry: `pulumi up -s <stack>` deploys that stack's host of the topology.
import { loadStackConfig } from "./config";
import { deployHost } from "./program";

const { config, secrets } = loadStackConfig();
const deployed = deployHost(config, secrets);

// Stack outputs: only what this host has (a database host exports no gateway URL). The
// database stack's `database` and secret `databasePassword` are read by the gateway's stack.
export = Object.fromEntries(Object.entries(deployed).filter(([, value]) => value !== undefined));
