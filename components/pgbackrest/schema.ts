// PgBackRest's options: PostgreSQL backups with pgBackRest (Debian's package) into an
// encrypted repository on another host of the topology, reached over SFTP with a key of its
// own. Typed, defaulted and validated before any resource exists.
import { z } from "zod";
import { calendarSchema as calendar } from "../../src/validate";

/** The options an operator sets (stack config `openclaw-infra:pgBackRest`). */
export const pgBackRestOptionsSchema = z
  .object({
    /** The host of the topology holding the repository. Default: the first other host. */
    repositoryHost: z.string().optional(),
    /** When the backups run (systemd OnCalendar=, the host's time zone). */
    schedule: z
      .object({
        full: calendar.default("Sun *-*-* 01:00:00"),
        differential: calendar.default("Mon..Sat *-*-* 01:00:00"),
        verify: calendar.default("*-*-* 05:30:00"),
      })
      .strict()
      .prefault({}),
    /** Days a full backup (and the WAL and differentials that need it) is kept. */
    retentionDays: z.number().int().min(1).max(3650).default(30),
    /** At most this many seconds of writes are only on this host: PostgreSQL's archive_timeout. */
    archiveTimeoutSeconds: z.number().int().min(10).max(3600).default(60),
    /** On a blank host (no cluster yet), restore the latest backup before the first start. */
    restore: z.enum(["latest", "none"]).default("latest"),
    /** Parallel processes for backup and restore (SFTP is slow per stream). */
    processMax: z.number().int().min(1).max(32).default(2),
    /**
     * pgBackRest's io-timeout: seconds a read or write on the repository connection may stall
     * before the command fails (a dropped connection is noticed after this long).
     */
    ioTimeoutSeconds: z.number().int().min(5).max(3600).default(60),
    /** The pgBackRest exporter's port on the private address, for Prometheus. */
    exporterPort: z.number().int().min(1024).max(65535).default(9854),
    /** The sandboxing of the backup units. Only turn off while debugging. */
    hardening: z.boolean().default(true),
  })
  .strict();

/** The secret: the repository's cipher passphrase (aes-256-cbc). */
export const cipherPassSchema = z
  .string()
  .min(20, "must be at least 20 characters")
  .regex(/^[^\s]+$/, "must not contain whitespace");

export const pgBackRestArgsSchema = pgBackRestOptionsSchema.safeExtend({
  /** This host's name (the stanza's repository directory and the key's comment). */
  host: z.string(),
  /** PostgreSQL's major version and port on this host. */
  postgresVersion: z.number().int(),
  postgresPort: z.number().int(),
  listenAddress: z.ipv4(),
  /** The repository host: where the client connects (private address) and its pinned host key. */
  repository: z.object({ host: z.string(), address: z.ipv4(), sshPort: z.number().int(), hostKey: z.string() }),
});

export type PgBackRestOptions = z.input<typeof pgBackRestOptionsSchema>;
export type PgBackRestArgsOptions = z.input<typeof pgBackRestArgsSchema>;
export type PgBackRestSettings = z.output<typeof pgBackRestArgsSchema>;
