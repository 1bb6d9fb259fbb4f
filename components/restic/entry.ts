// restic's entry: the gateway's state (SQLite + files), into a repository on another host; built
// before the gateway, which takes its restore and its backup before an upgrade.
import { backupRepository, repositoryHost } from "../../src/backups";
import { component } from "../../src/registry/types";
import { DEFAULT_INSTANCE, gatewayInstances, GatewaySettings, gatewayOptionsSchema, pathsOf } from "../gateway-service/schema";
import { ResticBackup } from ".";
import { jobPaths } from "./render";
import { resticOptionsSchema, resticPasswordSchema, ResticState } from "./schema";

/** What is backed up: every instance's state directory, as its owner. */
const statesOf = (gateway: GatewaySettings): ResticState[] =>
  gatewayInstances(gateway).map((g) => {
    const paths = pathsOf(g);
    return { instance: g.instance ?? DEFAULT_INSTANCE, dir: paths.stateDir, user: paths.user };
  });

export const stateBackup = component({
  key: "stateBackup",
  schema: resticOptionsSchema.prefault({}),
  on: ["gateway"],
  reads: { gateway: gatewayOptionsSchema },
  secrets: { resticPassword: resticPasswordSchema },
  build: (ctx) =>
    new ResticBackup(
      `${ctx.host}-state-backup`,
      {
        connection: ctx.connection,
        ...backupRepository(ctx, "stateBackup"),
        ...ctx.options,
        host: ctx.host,
        states: statesOf(ctx.reads.gateway),
        gatewayVersion: ctx.reads.gateway.version,
        password: ctx.secrets.apply((sec) => sec.resticPassword),
      },
      ctx.opts,
    ),
  // The oneshot service (scored like every unit); its timer starts it. Its metrics reach
  // Prometheus through node-exporter's textfile collector: nothing new to scrape.
  units: ({ options: { schedule, repositoryHost: repository }, reads, config, host }) =>
    statesOf(reads.gateway).map(({ instance }) => {
      const { unit } = jobPaths(instance);
      return {
        unit: `${unit}.service`,
        reach: `by ${unit}.timer: ${schedule} (repository on ${repositoryHost(config.topology, host, repository, "stateBackup")})`,
      };
    }),
});
