// pgBackRest's entry: PostgreSQL's backups, into a repository on another host; built before
// PostgreSQL, which takes its archive command and restore.
import { backupRepository, repositoryHost } from "../../src/backups";
import { component, httpAt, tcp } from "../../src/registry/types";
import { postgresPaths } from "../postgres-native/entry";
import { postgresOptionsSchema } from "../postgres-native/schema";
import { PgBackRest } from ".";
import { jobUnit, JOBS, PATHS } from "./render";
import { cipherPassSchema, pgBackRestOptionsSchema } from "./schema";

export const pgBackRest = component({
  key: "pgBackRest",
  schema: pgBackRestOptionsSchema.prefault({}),
  on: ["database"],
  reads: { postgres: postgresOptionsSchema },
  secrets: { pgBackRestCipherPass: cipherPassSchema },
  build: (ctx) =>
    new PgBackRest(
      `${ctx.host}-pgbackrest`,
      {
        connection: ctx.connection,
        ...backupRepository(ctx, "pgBackRest"),
        ...ctx.options,
        host: ctx.host,
        postgresVersion: ctx.reads.postgres.version,
        postgresPort: ctx.peer("postgres", "local", ctx.host).port,
        postgresUnit: postgresPaths(ctx.reads.postgres.version).unit,
        listenAddress: ctx.privateAddress,
        cipherPass: ctx.secrets.apply((sec) => sec.pgBackRestCipherPass),
      },
      ctx.opts,
    ),
  listeners: ({ options }) => [tcp("exporter", "pgBackRest.exporterPort", options.exporterPort, "private", ["observability host"])],
  // The oneshot services (scored like every unit); their timers start them.
  units: ({ options: { schedule, repositoryHost: repository }, own, config, host }) => [
    ...JOBS.map((job) => ({
      unit: `${jobUnit(job)}.service`,
      reach: `by ${jobUnit(job)}.timer: ${{ full: schedule.full, diff: schedule.differential, verify: schedule.verify }[job]}`,
    })),
    {
      unit: PATHS.exporter.unit,
      reach: `${httpAt(own("exporter"), "/metrics")} (repository on ${repositoryHost(config.topology, host, repository, "pgBackRest")})`,
    },
  ],
  scrape: () => [{ job: "pgbackrest", listener: "exporter" }],
});
