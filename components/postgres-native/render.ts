// Pure rendering of PostgresNative's files, SQL and scripts from its settings. Golden-file tested.
import { hardening } from "../../src/hardening";
import { CheckedFileSpec } from "../../src/remote/checked-file";
import { fileFacts, fileFactsScript, writeFileScript } from "../../src/remote/file";
import { script, sh } from "../../src/remote/shell";
import { renderUnitFile, UnitSpec } from "../../src/remote/unit-file";
import { template } from "../../src/template";
import { PostgresSettings } from "./schema";
import { sqlIdent, sqlLiteral } from "../../src/remote/sql";

/** Where a Debian cluster <version>/main keeps things. */
export function paths(version: number) {
  const confDir = `/etc/postgresql/${version}/main`;
  const unit = `postgresql@${version}-main.service`;
  return {
    cluster: `${version}/main`,
    confDir,
    mainConf: `${confDir}/postgresql.conf`,
    dropIn: `${confDir}/conf.d/90-openclaw.conf`,
    hba: `${confDir}/pg_hba.conf`,
    dataDir: `/var/lib/postgresql/${version}/main`,
    psql: `/usr/lib/postgresql/${version}/bin/psql`,
    pgIsready: `/usr/lib/postgresql/${version}/bin/pg_isready`,
    postgres: `/usr/lib/postgresql/${version}/bin/postgres`,
    socketDir: "/var/run/postgresql",
    unit,
    unitDropIn: `/etc/systemd/system/${unit}.d/10-openclaw.conf`,
  };
}

/** Packages for the server and pgvector; the same names in Debian and in PGDG. */
export function packagesFor(version: number): string[] {
  return [`postgresql-${version}`, `postgresql-${version}-pgvector`];
}

const confTemplate = template<{ settings: { key: string; value: string }[] }>(__dirname, "90-openclaw.conf.hbs");
const hbaTemplate = template<{ rules: { comment?: string; line: string }[] }>(__dirname, "pg_hba.conf.hbs");
const preludeTemplate = template<{ dataDir: string; psql: string; pgIsready: string; socketDir: string; unit: string }>(
  __dirname,
  "pg.sh.hbs",
);
const clusterTemplate = template<{
  seed: string;
  prelude: string;
  version: number;
  cluster: string;
  port: number;
  unit: string;
  writeDropIn: string;
}>(__dirname, "cluster.sh.hbs");
const clusterDeleteTemplate = template<{ dropData: boolean; version: number; cluster: string; unitDropIn: string }>(
  __dirname,
  "cluster-delete.sh.hbs",
);
const confDeleteTemplate = template<{ prelude: string; path: string; unit: string }>(__dirname, "conf-delete.sh.hbs");
const rolesTemplate = template<{ roles: { ident: string; literal: string; createdb: string; password: string }[] }>(
  __dirname,
  "roles.sql.hbs",
);
const databasesTemplate = template<{ databases: { ident: string; literal: string; owner: string; extensions: string[] }[] }>(
  __dirname,
  "databases.sql.hbs",
);
const sqlScriptTemplate = template<{ prelude: string; what: string; done: string }>(__dirname, "sql.sh.hbs");

/** conf.d/90-openclaw.conf: where it listens, SCRAM for new passwords, the tuned settings. */
export function renderConf(s: PostgresSettings): string {
  const q = (v: string) => `'${v}'`;
  return confTemplate({
    settings: [
      { key: "listen_addresses", value: q(["localhost", s.privateAddress].join(",")) },
      { key: "port", value: String(s.port) },
      { key: "password_encryption", value: q("scram-sha-256") },
      { key: "shared_buffers", value: q(s.settings.sharedBuffers) },
      { key: "max_connections", value: String(s.settings.maxConnections) },
      { key: "work_mem", value: q(s.settings.workMem) },
      ...(s.archive
        ? [
            { key: "archive_mode", value: "on" },
            { key: "archive_command", value: q(s.archive.command) },
            { key: "archive_timeout", value: `${s.archive.timeoutSeconds}s` },
          ]
        : []),
    ],
  });
}

function hbaLine(type: string, database: string, user: string, address: string, method: string): string {
  return [type.padEnd(8), database.padEnd(14), user.padEnd(14), address.padEnd(18), method].join(" ").trimEnd();
}

/**
 * pg_hba.conf: the superuser by peer on the socket, localhost with a password, and each peer
 * only into each database as that database's owner. `withPeers: false` is what a destroy leaves.
 */
export function renderHba(s: PostgresSettings, withPeers = true): string {
  const rules: { comment?: string; line: string }[] = [
    { comment: "The superuser: on the socket, as the postgres system user only.", line: hbaLine("local", "all", "postgres", "", "peer") },
    { comment: "Local clients over TCP log in with a password.", line: hbaLine("host", "all", "all", "127.0.0.1/32", "scram-sha-256") },
    { line: hbaLine("host", "all", "all", "::1/128", "scram-sha-256") },
  ];
  const type = s.ssl === "require" ? "hostssl" : "host";
  const peerRules = withPeers
    ? s.peers.flatMap((peer) => s.databases.map((db) => hbaLine(type, db.name, db.owner, `${peer}/32`, "scram-sha-256")))
    : [];
  peerRules.forEach((line, i) =>
    rules.push(
      i === 0 ? { comment: "Peers of the topology: each database, as its owner, from each peer's private address.", line } : { line },
    ),
  );
  return hbaTemplate({ rules });
}

/** Our drop-in over Debian's postgresql@.service: after the network, as postgres, sandboxed. */
export function dropInSpec(): UnitSpec {
  return {
    header: [
      "Managed by openclaw-infra (Pulumi). PostgreSQL listens on the private address too, which\n" +
        "may come up after network.target: start once the network is online, so the bind succeeds.",
    ],
    sections: {
      Unit: [
        ["Wants", "network-online.target"],
        ["After", "network-online.target"],
      ],
      Service: [
        {
          comment:
            "Debian's unit starts pg_ctlcluster as root, which then drops to postgres: run it as postgres\n" +
            "from the start, so the service needs no capability at all, and sandbox it.",
        },
        ["User", "postgres"],
        ["Group", "postgres"],
      ],
    },
    // LLVM JIT needs writable+executable pages; the ssl-cert group gives access to the TLS key.
    hardening: hardening({
      jit: true,
      supplementaryGroups: true,
      extra: [["ReadWritePaths", "/var/lib/postgresql /run/postgresql /var/log/postgresql"]],
    }),
  };
}

export function renderUnitDropIn(): string {
  return renderUnitFile(dropInSpec());
}

function prelude(version: number): string {
  const p = paths(version);
  return preludeTemplate({ dataDir: p.dataDir, psql: p.psql, pgIsready: p.pgIsready, socketDir: p.socketDir, unit: p.unit });
}

/** `seed`: shell run once, when the cluster is created on a blank host, before its first start (a restore). */
export function renderClusterScript(s: PostgresSettings, seed?: string): string {
  const p = paths(s.version);
  return clusterTemplate({
    seed: seed?.trimEnd() ?? "",
    prelude: prelude(s.version),
    version: s.version,
    cluster: p.cluster,
    port: s.port,
    unit: p.unit,
    writeDropIn: writeFileScript(p.unitDropIn).trimEnd(),
  });
}

export function renderClusterDelete(s: PostgresSettings): string {
  const p = paths(s.version);
  return clusterDeleteTemplate({ dropData: s.dropDataOnDestroy, version: s.version, cluster: p.cluster, unitDropIn: p.unitDropIn });
}

/** A file the server reads: the postgres user's, with the helpers its checker and apply step use. */
function serverFile(s: PostgresSettings, path: string, mode: string) {
  return { path, owner: "postgres", group: "postgres", mode, prelude: prelude(s.version) };
}

/**
 * Our settings drop-in as a checked file: `postgres -C` reads the main configuration with the
 * candidate included, then a reload applies it, or a restart when a changed setting needs one.
 */
export function confFileSpec(s: PostgresSettings): CheckedFileSpec {
  const p = paths(s.version);
  return {
    ...serverFile(s, p.dropIn, "0644"),
    checkerName: "postgres -C",
    checker: script(
      `printf "include '%s'\\ninclude '%s'\\n" ${sh(p.mainConf)} "$candidate" > "$work/check.conf"`,
      `chmod 0644 "$work/check.conf"`,
      `runuser -u postgres -- ${sh(p.postgres)} --config-file="$work/check.conf" -C data_directory`,
    ).trimEnd(),
    apply: `apply_config "$changed"`,
  };
}

export function renderConfDelete(s: PostgresSettings): string {
  const p = paths(s.version);
  return confDeleteTemplate({ prelude: prelude(s.version), path: p.dropIn, unit: p.unit });
}

/**
 * pg_hba.conf, replaced whole, as a checked file. PostgreSQL parses only the file at its path
 * (pg_hba_file_rules), so the candidate is checked in place and the previous file comes back
 * when a line is refused; then a reload applies it. A stopped server checks it when it starts.
 */
export function hbaFileSpec(s: PostgresSettings): CheckedFileSpec {
  const p = paths(s.version);
  return {
    ...serverFile(s, p.hba, "0640"),
    checkInPlace: true,
    checkerName: "pg_hba_file_rules",
    checker: script(
      `! systemctl is-active --quiet ${sh(p.unit)} || {`,
      `  if grep -q '^hostssl' "$dest" && [ "$(sql -d postgres -tAc 'SHOW ssl')" != on ]; then`,
      `    echo "the cluster runs with ssl = off, so hostssl entries would refuse every peer: give it a certificate and ssl = on, or set ssl: disable"; exit 1`,
      `  fi`,
      `  errors=$(sql -d postgres -tAc "SELECT 'line ' || line_number || ': ' || error FROM pg_catalog.pg_hba_file_rules WHERE error IS NOT NULL")`,
      `  [ -z "$errors" ] || { echo "$errors"; exit 1; }`,
      `}`,
    ).trimEnd(),
    apply: script(
      `if [ "$changed" = yes ] && systemctl is-active --quiet ${sh(p.unit)}; then`,
      `  sql -d postgres -tAc "SELECT pg_catalog.pg_reload_conf()" >/dev/null; echo "reloaded ${p.unit}"`,
      `fi`,
    ),
  };
}

/** Facts of the cluster step: the cluster there, its unit drop-in (stdin) in place, the server up. */
export function clusterFactsScript(s: PostgresSettings): string {
  const p = paths(s.version);
  return script(
    `if pg_lsclusters --no-header 2>/dev/null | awk '{print $1 "/" $2}' | grep -qx ${sh(p.cluster)}; then echo cluster=present; else echo cluster=missing; fi`,
    fileFactsScript(p.unitDropIn),
    `echo "active=$(systemctl is-active ${sh(p.unit)} 2>/dev/null || true)"`,
  );
}

export function clusterFacts(): string {
  return `cluster=present\n${fileFacts()}\nactive=active`;
}

/** Facts of the SQL steps: every role, or every database with its extensions, present. */
export function sqlFactsScript(s: PostgresSettings, what: "roles" | "databases"): string {
  const list = (names: string[]) => names.map(sqlLiteral).join(", ");
  const queries =
    what === "roles"
      ? [
          `[ "$(sql -d postgres -tAc ${sh(`SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname IN (${list(s.roles.map((r) => r.name))})`)})" = ${s.roles.length} ]`,
        ]
      : [
          `[ "$(sql -d postgres -tAc ${sh(`SELECT count(*) FROM pg_catalog.pg_database WHERE datname IN (${list(s.databases.map((d) => d.name))})`)})" = ${s.databases.length} ]`,
          ...s.databases
            .filter((db) => db.extensions.length > 0)
            .map(
              (db) =>
                `[ "$(sql -d ${sh(db.name)} -tAc ${sh(`SELECT count(*) FROM pg_catalog.pg_extension WHERE extname IN (${list(db.extensions)})`)})" = ${db.extensions.length} ]`,
            ),
        ];
  return script(
    prelude(s.version),
    `cat >/dev/null`,
    `if ${queries.join(" && ")} 2>/dev/null; then echo ${what}=present; else echo ${what}=missing; fi`,
  );
}

/** Roles and their passwords: secret, sent on stdin only. */
export function renderRolesSql(s: PostgresSettings, passwords: Record<string, string>): string {
  return rolesTemplate({
    roles: s.roles.map((r) => ({
      ident: sqlIdent(r.name),
      literal: sqlLiteral(r.name),
      createdb: r.createdb ? "CREATEDB" : "NOCREATEDB",
      password: sqlLiteral(passwords[r.name]),
    })),
  });
}

export function renderDatabasesSql(s: PostgresSettings): string {
  return databasesTemplate({
    databases: s.databases.map((db) => ({
      ident: sqlIdent(db.name),
      literal: sqlLiteral(db.name),
      owner: sqlIdent(db.owner),
      extensions: db.extensions.map(sqlIdent),
    })),
  });
}

/** Runs the SQL on stdin; `done` is the last line it prints. */
export function renderSqlScript(s: PostgresSettings, what: string, done: string): string {
  return sqlScriptTemplate({ prelude: prelude(s.version), what, done });
}

/** postgresql://role:password@host:port/database?sslmode=..., every part percent-encoded. */
/** Where a client reaches the server: enough to build a URL on another stack too. */
export interface PostgresEndpoint {
  host: string;
  port: number;
  ssl: "require" | "disable";
}

export function connectionUrl(to: PostgresEndpoint, database: string, role: string, password: string): string {
  const auth = `${encodeURIComponent(role)}:${encodeURIComponent(password)}`;
  return `postgresql://${auth}@${to.host}:${to.port}/${encodeURIComponent(database)}?sslmode=${to.ssl}`;
}
