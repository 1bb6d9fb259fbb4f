// PostgresNative's options: typed, defaulted, validated before any resource exists. Rules
// between options (owners are declared roles, reserved names, source vs version) are checked
// here too, so a wrong value fails `pulumi preview` with a message naming the field.
import { z } from "zod";
import { parseOrThrow, ValidationError } from "../../src/validate";

/** apt.postgresql.org signing key (ACCC4CF8), as published by the PostgreSQL project. */
export const PGDG_KEY_FINGERPRINT = "B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8";
export const PGDG_KEY_URL = "https://www.postgresql.org/media/keys/ACCC4CF8.asc";
export const PGDG_URL = "https://apt.postgresql.org/pub/repos/apt";

/** Role and database names: plain lowercase identifiers, so they never need quoting tricks. */
const identifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lowercase SQL identifier (a-z, 0-9, _; at most 63 characters)");
/** Extension names as in pg_available_extensions: "vector", "pg_trgm", "uuid-ossp". */
const extensionName = z.string().regex(/^[a-z_][a-z0-9_-]{0,62}$/, "must be an extension name like vector or pg_trgm");
/** A PostgreSQL memory size; units are case-sensitive in postgresql.conf. */
const size = z.string().regex(/^\d+(kB|MB|GB|TB)$/, "must be a size like 256MB (units kB, MB, GB, TB)");
const ipv4 = z.ipv4({ error: "must be an IPv4 address" });

const RESERVED_DATABASES = ["postgres", "template0", "template1"];

export const roleSchema = z
  .object({
    /** Login role name. Its password comes from secrets.passwords.<name>. */
    name: identifier,
    /** May create databases (CREATEDB). */
    createdb: z.boolean().default(false),
  })
  .strict();

export const databaseSchema = z
  .object({
    name: identifier,
    /** A role declared in `roles`; it owns the database and is the one peers log in as. */
    owner: identifier,
    /** `CREATE EXTENSION IF NOT EXISTS` for each, in this database. */
    extensions: z.array(extensionName).default(["vector"]),
  })
  .strict();

/** Settings operators tune, rendered into conf.d/90-openclaw.conf. */
export const settingsSchema = z
  .object({
    /** shared_buffers: about a quarter of the RAM PostgreSQL may use. Changing it restarts the server. */
    sharedBuffers: size.default("256MB"),
    /** max_connections. Changing it restarts the server. */
    maxConnections: z.number().int().min(10).max(10000).default(100),
    /** work_mem: memory per sort/hash operation. Applied with a reload. */
    workMem: size.default("4MB"),
  })
  .strict();

/** The options an operator sets in stack config (`openclaw-infra:postgres`). */
export const postgresOptionsSchema = z
  .object({
    /** "pgdg": apt.postgresql.org (deb822, signed-by, fingerprint checked). "distribution": Debian's own packages. */
    source: z.enum(["pgdg", "distribution"]).default("pgdg"),
    /** Major version; the cluster is <version>/main. */
    version: z.number().int().min(13).max(18).default(17),
    port: z.number().int().min(1024).max(65535).default(5432),
    /**
     * "require": peers connect with TLS (`hostssl` entries, `sslmode=require` in the URL), using
     * the certificate the cluster was created with (Debian: ssl-cert's snakeoil).
     * "disable": plain TCP on the private network (`host` entries); SCRAM still never sends the password.
     */
    ssl: z.enum(["require", "disable"]).default("require"),
    roles: z.array(roleSchema).prefault([{ name: "openclaw" }]),
    databases: z.array(databaseSchema).prefault([{ name: "openclaw", owner: "openclaw" }]),
    settings: settingsSchema.prefault({}),
    /**
     * Destroy drops the cluster (`pg_dropcluster`: every database and the data directory).
     * Off by default: a destroy keeps the data and a later `up` finds it again.
     */
    dropDataOnDestroy: z.boolean().default(false),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.source === "distribution" && o.version !== 17) {
      ctx.addIssue({
        code: "custom",
        path: ["version"],
        message: `source: distribution installs PostgreSQL 17 (Debian 13); use source: pgdg for ${o.version}`,
      });
    }
    const roles = new Set<string>();
    o.roles.forEach((role, i) => {
      if (role.name === "postgres" || role.name.startsWith("pg_")) {
        ctx.addIssue({
          code: "custom",
          path: ["roles", i, "name"],
          message: "is reserved: postgres and pg_* roles belong to PostgreSQL (postgres is reached by peer authentication only)",
        });
      } else if (roles.has(role.name)) {
        ctx.addIssue({ code: "custom", path: ["roles", i, "name"], message: `'${role.name}' is declared twice` });
      }
      roles.add(role.name);
    });
    const databases = new Set<string>();
    o.databases.forEach((db, i) => {
      if (RESERVED_DATABASES.includes(db.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["databases", i, "name"],
          message: `is reserved (${RESERVED_DATABASES.join(", ")} belong to the cluster)`,
        });
      } else if (databases.has(db.name)) {
        ctx.addIssue({ code: "custom", path: ["databases", i, "name"], message: `'${db.name}' is declared twice` });
      }
      databases.add(db.name);
      if (!roles.has(db.owner)) {
        const declared = [...roles].join(", ") || "none";
        ctx.addIssue({
          code: "custom",
          path: ["databases", i, "owner"],
          message: `'${db.owner}' is not a declared role (roles: ${declared})`,
        });
      }
    });
  });

/** Everything the component needs besides the options: where it listens, who may connect, sources. */
export const postgresArgsSchema = postgresOptionsSchema
  .safeExtend({
    /** The host's private address; PostgreSQL listens on localhost and here. */
    privateAddress: ipv4,
    /** Private addresses of the hosts allowed in (the gateway's): one /32 entry per peer and database. */
    peers: z.array(ipv4).default([]),
    /** Base URL of the PGDG apt repository (a mirror works). */
    pgdgUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).default(PGDG_URL),
    /** URL of the PGDG signing key; its fingerprint must be PGDG_KEY_FINGERPRINT. */
    pgdgKeyUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).default(PGDG_KEY_URL),
    /** Debian release of the host, for the PGDG suite (<codename>-pgdg). */
    debianCodename: z
      .string()
      .regex(/^[a-z]+$/, "must be a Debian codename like trixie")
      .default("trixie"),
    /** WAL archiving (a backup tool's archive command, with %p for the segment), off when absent. */
    archive: z
      .object({
        command: z.string().regex(/^[^'\n]*%p[^'\n]*$/, "must be one line with %p and no single quote"),
        timeoutSeconds: z.number().int().min(10),
      })
      .optional(),
  })
  .superRefine((a, ctx) => {
    const seen = new Set<string>();
    a.peers.forEach((peer, i) => {
      if (peer === a.privateAddress) {
        ctx.addIssue({
          code: "custom",
          path: ["peers", i],
          message: "is this host's own private address (local clients use the socket or localhost)",
        });
      } else if (seen.has(peer)) {
        ctx.addIssue({ code: "custom", path: ["peers", i], message: `${peer} is listed twice` });
      }
      seen.add(peer);
    });
  });

/** Role passwords. The whole object is secret; it only ever travels on stdin. */
export const postgresSecretsSchema = z
  .object({
    passwords: z.record(
      z.string(),
      z
        .string()
        .min(16, "must be at least 16 characters")
        .regex(/^[^\0\r\n]*$/, "must be a single line without NUL characters"),
    ),
  })
  .strict();

/** Every declared role has a password, and every password belongs to a declared role. */
export function passwordProblems(roles: string[], passwords: Record<string, string>): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  for (const role of roles) {
    if (!(role in passwords))
      problems.push({ path: ["passwords", role], message: "is required: every declared role logs in with a password" });
  }
  for (const role of Object.keys(passwords)) {
    if (!roles.includes(role))
      problems.push({ path: ["passwords", role], message: `'${role}' is not a declared role (roles: ${roles.join(", ") || "none"})` });
  }
  return problems;
}

/** Validated passwords for `roles`, or a ValidationError naming each bad field after `prefix`. */
export function parsePasswords(prefix: string, roles: string[], raw: unknown): Record<string, string> {
  const { passwords } = parseOrThrow(postgresSecretsSchema, raw, `${prefix}secrets.`);
  const problems = passwordProblems(roles, passwords);
  if (problems.length > 0) throw new ValidationError(problems.map((p) => `${prefix}secrets.${p.path.join(".")}: ${p.message}`));
  return passwords;
}

export type PostgresOptions = z.input<typeof postgresOptionsSchema>;
export type PostgresArgsOptions = z.input<typeof postgresArgsSchema>;
export type PostgresSettings = z.output<typeof postgresArgsSchema>;
export type PostgresSecrets = z.input<typeof postgresSecretsSchema>;
