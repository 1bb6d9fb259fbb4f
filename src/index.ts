// Program entry: `pulumi up -s <stack>` deploys that stack's host of the topology. The config
// is checked first, before any resource is registered: every key and every secret, then what
// needs the network (the openclaw release on the npm registry); each failure is one line.
import { loadStackConfig, preflight } from "./config";
import { deployHost } from "./program";

const { config, secrets } = loadStackConfig();

// Stack outputs: only what this host has (a database host exports no gateway URL). The
// database stack's `database` and secret `databasePassword` are read by the gateway's stack.
export = preflight(config).then(() => {
  const deployed = deployHost(config, secrets);
  return Object.fromEntries(Object.entries(deployed).filter(([, value]) => value !== undefined));
});
