// PostgresExporter's options: Debian's prometheus-postgres-exporter on the database host, as
// its own PostgreSQL role (member of pg_monitor) with a password secret. Typed, defaulted and
// validated before any resource exists.
import { z } from "zod";

export const DEFAULT_PORT = 9187;

/** The options an operator sets (stack config `openclaw-infra:postgresExporter`). */
export const postgresExporterOptionsSchema = z
  .object({
    /** TCP port on the host's private address, for Prometheus. */
    port: z.number().int().min(1024).max(65535).default(DEFAULT_PORT),
    /** The PostgreSQL role it logs in as (created with LOGIN, granted pg_monitor only). */
    role: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lowercase role name like postgres_exporter")
      .refine((r) => r !== "postgres" && !r.startsWith("pg_"), "is reserved: postgres and pg_* roles belong to PostgreSQL")
      .default("postgres_exporter"),
    /** The sandboxing drop-in. Only turn off while debugging. */
    hardening: z.boolean().default(true),
  })
  .strict();

export const postgresExporterArgsSchema = postgresExporterOptionsSchema.safeExtend({
  listenAddress: z.ipv4().refine((a) => a !== "0.0.0.0", "must be one address of the host, not 0.0.0.0"),
  /** PostgreSQL's port on this host (it connects to 127.0.0.1, with a password). */
  postgresPort: z.number().int().min(1).max(65535),
});

export type PostgresExporterArgsOptions = z.input<typeof postgresExporterArgsSchema>;
export type PostgresExporterSettings = z.output<typeof postgresExporterArgsSchema>;
