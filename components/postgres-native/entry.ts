// PostgreSQL's entry: the database host's PostgreSQL, its peers the hosts its listener names.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { component, tcp } from "../../src/registry/types";
import { DatabaseExport } from "../../src/stacks";
import { pgBackRest } from "../pgbackrest/entry";
import { PostgresNative } from ".";
import { paths } from "./render";
import { postgresOptionsSchema } from "./schema";

/** Where PostgreSQL keeps its unit and files: pgBackRest backs them up. */
export { paths as postgresPaths } from "./render";

export const postgres = component({
  key: "postgres",
  schema: postgresOptionsSchema.prefault({}),
  on: ["database"],
  secrets: { postgresPasswords: z.record(z.string(), z.string()) },
  secretPaths: ({ options }) => options.roles.map((role) => `postgresPasswords.${role.name}`),
  build: (ctx) => {
    const backups = ctx.built(pgBackRest);
    const db = new PostgresNative(
      `${ctx.host}-postgres`,
      {
        connection: ctx.connection,
        ...ctx.options,
        privateAddress: ctx.privateAddress,
        // pg_hba: the hosts its listener is open to.
        peers: ctx.addressesOf(ctx.own("postgresql").from),
        secrets: ctx.secrets.apply((s) => ({ passwords: s.postgresPasswords })),
        archive: backups?.archive,
        seed: backups?.restore,
      },
      ctx.opts,
    );
    backups?.protect(db.ready);
    return db;
  },
  // The gateway stack reads these two through a stack reference.
  outputs: (db, { options }): { database?: DatabaseExport; databasePassword?: pulumi.Output<string> } => {
    const first = options.databases[0];
    if (!first) return {};
    return {
      database: { port: db.port, database: first.name, user: first.owner, ssl: options.ssl },
      databasePassword: pulumi.secret(db.password(first.owner)),
    };
  },
  // listen_addresses: localhost (its exporter and pgBackRest) and the private address (the gateways).
  listeners: ({ options }) => [
    tcp("postgresql", "postgres.port", options.port, "private", [{ role: "gateway" }]),
    tcp("local", "postgres.port", options.port, "loopback", ["this host"]),
  ],
  units: ({ options, own, addressesOf, config }) => {
    const pg = own("postgresql");
    const peers = addressesOf(pg.from);
    const from = Object.keys(config.topology.hosts).filter((host) => peers.includes(config.topology.hosts[host].privateAddress));
    return [
      {
        unit: paths(options.version).unit,
        reach: `postgresql://${pg.ip}:${pg.port}/${options.databases[0]?.name ?? ""} (from ${from.join(", ") || "no host"} only)`,
      },
    ];
  },
});
