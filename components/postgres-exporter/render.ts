// Pure rendering of PostgresExporter's files and scripts. Golden-file tested.
import * as fs from "fs";
import * as path from "path";
import { hardening } from "../../src/hardening";
import { HttpHealthCheck } from "../../src/remote/health";
import { script, sh } from "../../src/remote/shell";
import { renderUnitFile, UnitSpec } from "../../src/remote/unit-file";
import { packagedDropIn } from "../../src/remote/packaged-service";
import { sqlIdent, sqlLiteral } from "../../src/remote/sql";
import { PostgresExporterSettings } from "./schema";

/** What Debian's package (prometheus-postgres-exporter) ships, and our files. */
export const PATHS = {
  package: "prometheus-postgres-exporter",
  unit: "prometheus-postgres-exporter.service",
  binary: "/usr/bin/prometheus-postgres-exporter",
  defaults: "/etc/default/prometheus-postgres-exporter",
  /** Its role's password, 0640 root:prometheus: read by the exporter (DATA_SOURCE_PASS_FILE), by nobody else. */
  passwordFile: "/etc/prometheus/postgres-exporter.password",
  dropIn: "10-openclaw",
} as const;

export const STOCK_DEFAULTS = fs.readFileSync(path.join(__dirname, "templates", "stock.default"), "utf8");

export function renderFlags(s: PostgresExporterSettings): string[] {
  return [`--web.listen-address=${s.listenAddress}:${s.port}`];
}

/**
 * Where it connects, split so the password never is in its environment or command line: the
 * URI and user as variables, the password read from a file (DATA_SOURCE_PASS_FILE).
 */
export function connectionEnvironment(s: PostgresExporterSettings): [string, string][] {
  return [
    ["DATA_SOURCE_URI", `127.0.0.1:${s.postgresPort}/postgres?sslmode=disable`],
    ["DATA_SOURCE_USER", s.role],
    ["DATA_SOURCE_PASS_FILE", PATHS.passwordFile],
  ];
}

/** The role: created once, its password set on every run, member of pg_monitor and nothing else. SQL on stdin (secret). */
export function renderRoleSql(s: PostgresExporterSettings, password: string): string {
  const ident = sqlIdent(s.role);
  return [
    `DO $$ BEGIN`,
    `  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${sqlLiteral(s.role)}) THEN CREATE ROLE ${ident} LOGIN; END IF;`,
    `END $$;`,
    `ALTER ROLE ${ident} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${sqlLiteral(password)};`,
    `GRANT pg_monitor TO ${ident};`,
    "",
  ].join("\n");
}

/** Runs the role SQL from stdin as the postgres superuser (peer authentication on the socket). */
export function renderRoleScript(s: PostgresExporterSettings): string {
  return script(
    `runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p ${sh(s.postgresPort)} -d postgres`,
    `echo "role ${s.role}: login, pg_monitor"`,
  );
}

/** Facts: the role exists with login and pg_monitor. */
export function renderRoleCheck(s: PostgresExporterSettings): string {
  return script(
    `runuser -u postgres -- psql -X -tA -p ${sh(s.postgresPort)} -d postgres -c ${sh(`SELECT CASE WHEN rolcanlogin AND pg_has_role(rolname, 'pg_monitor', 'MEMBER') THEN 'role=ok' ELSE 'role=incomplete' END FROM pg_roles WHERE rolname = ${sqlLiteral(s.role)}`)} 2>/dev/null | grep . || echo role=missing`,
  );
}

/** After every restart: /metrics answers, and says PostgreSQL let it in. */
export function healthCheck(s: PostgresExporterSettings): HttpHealthCheck {
  return { url: `http://${s.listenAddress}:${s.port}/metrics`, expect: "^pg_up 1", unit: PATHS.unit };
}

export function dropInSpec(s: PostgresExporterSettings): UnitSpec {
  return packagedDropIn(PATHS, {
    service: [
      { comment: "Where it connects; the password is in the file, not in its environment." },
      ...connectionEnvironment(s).map(([k, v]): [string, string] => ["Environment", `${k}=${v}`]),
    ],
    hardening: s.hardening ? hardening() : [],
  });
}

export function renderDropIn(s: PostgresExporterSettings): string {
  return renderUnitFile(dropInSpec(s));
}
