// postgres-exporter's entry: PostgreSQL's metrics, as its own role (pg_monitor) with the password secret postgresExporterPassword.
import { z } from "zod";
import { component, httpAt, tcp } from "../../src/registry/types";
import { postgres } from "../postgres-native/entry";
import { PostgresExporter } from ".";
import { PATHS } from "./render";
import { postgresExporterOptionsSchema } from "./schema";

export const postgresExporter = component({
  key: "postgresExporter",
  schema: postgresExporterOptionsSchema.prefault({}),
  on: ["database"],
  secrets: { postgresExporterPassword: z.string().min(16, "must be at least 16 characters") },
  build: (ctx) =>
    new PostgresExporter(
      `${ctx.host}-postgres-exporter`,
      {
        connection: ctx.connection,
        ...ctx.options,
        listenAddress: ctx.privateAddress,
        postgresPort: ctx.peer("postgres", "local", ctx.host).port,
        password: ctx.secrets.apply((s) => s.postgresExporterPassword),
        database: ctx.need(postgres),
      },
      ctx.opts,
    ),
  listeners: ({ options }) => [tcp("metrics", "postgresExporter.port", options.port, "private", ["observability host"])],
  units: ({ options, own, peer, host }) => {
    const pg = peer("postgres", "local", host);
    return [{ unit: PATHS.unit, reach: `${httpAt(own("metrics"), "/metrics")} (as ${options.role} on ${pg.ip}:${pg.port})` }];
  },
  scrape: () => [{ job: "postgres", listener: "metrics" }],
});
