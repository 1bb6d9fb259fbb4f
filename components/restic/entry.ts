// restic's entry: the gateway's state (SQLite + files), into a repository on another host; built
// before the gateway, which takes its restore and its backup before an upgrade.
import { backupRepository, repositoryHost } from "../../src/backups";
import { component } from "../../src/registry/types";
import { GATEWAY_PATHS as GATEWAY } from "../gateway-service/entry";
import { gatewayOptionsSchema } from "../gateway-service/schema";
import { ResticBackup } from ".";
import { PATHS } from "./render";
import { resticOptionsSchema, resticPasswordSchema } from "./schema";

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
        state: { dir: GATEWAY.stateDir, user: GATEWAY.user },
        gatewayVersion: ctx.reads.gateway.version,
        password: ctx.secrets.apply((sec) => sec.resticPassword),
      },
      ctx.opts,
    ),
  // The oneshot service (scored like every unit); its timer starts it. Its metrics reach
  // Prometheus through node-exporter's textfile collector: nothing new to scrape.
  units: ({ options: { schedule, repositoryHost: repository }, config, host }) => [
    {
      unit: `${PATHS.unit}.service`,
      reach: `by ${PATHS.unit}.timer: ${schedule} (repository on ${repositoryHost(config.topology, host, repository, "stateBackup")})`,
    },
  ],
});
