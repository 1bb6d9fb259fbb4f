// PostgresNative's options: defaults, and every error path with its exact message.
import { describe, expect, it } from "vitest";
import { passwordProblems, postgresArgsSchema, postgresSecretsSchema } from "../../../components/postgres-native/schema";
import { formatIssues } from "../../../src/validate";

const valid = () => ({ privateAddress: "10.0.0.2", peers: ["10.0.0.1"] }) as Record<string, unknown>;

function problems(raw: Record<string, unknown>): string[] {
  const result = postgresArgsSchema.safeParse(raw);
  if (result.success) throw new Error("expected the options to be rejected");
  return formatIssues("PostgresNative db: ", result.error.issues);
}

describe("PostgresNative options", () => {
  it("fills in documented defaults", () => {
    expect(postgresArgsSchema.parse(valid())).toEqual({
      source: "pgdg",
      version: 17,
      port: 5432,
      ssl: "require",
      roles: [{ name: "openclaw", createdb: false }],
      databases: [{ name: "openclaw", owner: "openclaw", extensions: ["vector"] }],
      settings: { sharedBuffers: "256MB", maxConnections: 100, workMem: "4MB" },
      dropDataOnDestroy: false,
      privateAddress: "10.0.0.2",
      peers: ["10.0.0.1"],
      pgdgUrl: "https://apt.postgresql.org/pub/repos/apt",
      pgdgKeyUrl: "https://www.postgresql.org/media/keys/ACCC4CF8.asc",
      debianCodename: "trixie",
    });
  });

  it("accepts the distribution's PostgreSQL 17 and other PGDG versions", () => {
    expect(postgresArgsSchema.parse({ ...valid(), source: "distribution" }).version).toBe(17);
    expect(postgresArgsSchema.parse({ ...valid(), version: 16 }).version).toBe(16);
  });

  const cases: [string, (o: Record<string, unknown>) => void, string[]][] = [
    ["private address missing", (o) => delete o.privateAddress, ["PostgresNative db: privateAddress: must be an IPv4 address"]],
    ["private address shape", (o) => (o.privateAddress = "10.0.0"), ["PostgresNative db: privateAddress: must be an IPv4 address"]],
    ["peer shape", (o) => (o.peers = ["gateway"]), ["PostgresNative db: peers.0: must be an IPv4 address"]],
    [
      "peer is this host",
      (o) => (o.peers = ["10.0.0.2"]),
      ["PostgresNative db: peers.0: is this host's own private address (local clients use the socket or localhost)"],
    ],
    ["peer twice", (o) => (o.peers = ["10.0.0.1", "10.0.0.1"]), ["PostgresNative db: peers.1: 10.0.0.1 is listed twice"]],
    ["unknown source", (o) => (o.source = "docker"), [`PostgresNative db: source: Invalid option: expected one of "pgdg"|"distribution"`]],
    ["version too old", (o) => (o.version = 12), ["PostgresNative db: version: Too small: expected number to be >=13"]],
    ["version as text", (o) => (o.version = "17"), ["PostgresNative db: version: Invalid input: expected number, received string"]],
    [
      "distribution with 16",
      (o) => Object.assign(o, { source: "distribution", version: 16 }),
      ["PostgresNative db: version: source: distribution installs PostgreSQL 17 (Debian 13); use source: pgdg for 16"],
    ],
    ["privileged port", (o) => (o.port = 543), ["PostgresNative db: port: Too small: expected number to be >=1024"]],
    ["ssl mode", (o) => (o.ssl = "prefer"), [`PostgresNative db: ssl: Invalid option: expected one of "require"|"disable"`]],
    [
      "role name shape",
      (o) => (o.roles = [{ name: "Open-Claw" }]),
      [
        "PostgresNative db: roles.0.name: must be a lowercase SQL identifier (a-z, 0-9, _; at most 63 characters)",
        "PostgresNative db: databases.0.owner: 'openclaw' is not a declared role (roles: Open-Claw)",
      ],
    ],
    [
      "role postgres",
      (o) => (o.roles = [{ name: "openclaw" }, { name: "postgres" }]),
      [
        "PostgresNative db: roles.1.name: is reserved: postgres and pg_* roles belong to PostgreSQL (postgres is reached by peer authentication only)",
      ],
    ],
    [
      "role pg_*",
      (o) => (o.roles = [{ name: "openclaw" }, { name: "pg_monitor" }]),
      [
        "PostgresNative db: roles.1.name: is reserved: postgres and pg_* roles belong to PostgreSQL (postgres is reached by peer authentication only)",
      ],
    ],
    [
      "role twice",
      (o) => (o.roles = [{ name: "openclaw" }, { name: "openclaw" }]),
      ["PostgresNative db: roles.1.name: 'openclaw' is declared twice"],
    ],
    [
      "role misspelled key",
      (o) => (o.roles = [{ name: "openclaw", createDb: true }]),
      ["PostgresNative db: roles.0.createDb: unknown setting (misspelled?)"],
    ],
    [
      "database reserved",
      (o) => (o.databases = [{ name: "postgres", owner: "openclaw" }]),
      ["PostgresNative db: databases.0.name: is reserved (postgres, template0, template1 belong to the cluster)"],
    ],
    [
      "database twice",
      (o) =>
        (o.databases = [
          { name: "openclaw", owner: "openclaw" },
          { name: "openclaw", owner: "openclaw" },
        ]),
      ["PostgresNative db: databases.1.name: 'openclaw' is declared twice"],
    ],
    [
      "database owner undeclared",
      (o) => (o.databases = [{ name: "memory", owner: "mem" }]),
      ["PostgresNative db: databases.0.owner: 'mem' is not a declared role (roles: openclaw)"],
    ],
    [
      "database without roles",
      (o) => Object.assign(o, { roles: [] }),
      ["PostgresNative db: databases.0.owner: 'openclaw' is not a declared role (roles: none)"],
    ],
    [
      "extension name",
      (o) => (o.databases = [{ name: "openclaw", owner: "openclaw", extensions: ["vector; DROP"] }]),
      ["PostgresNative db: databases.0.extensions.0: must be an extension name like vector or pg_trgm"],
    ],
    [
      "shared_buffers unit",
      (o) => (o.settings = { sharedBuffers: "256mb" }),
      ["PostgresNative db: settings.sharedBuffers: must be a size like 256MB (units kB, MB, GB, TB)"],
    ],
    [
      "work_mem unit",
      (o) => (o.settings = { workMem: "4M" }),
      ["PostgresNative db: settings.workMem: must be a size like 256MB (units kB, MB, GB, TB)"],
    ],
    [
      "max_connections",
      (o) => (o.settings = { maxConnections: 5 }),
      ["PostgresNative db: settings.maxConnections: Too small: expected number to be >=10"],
    ],
    [
      "unknown setting",
      (o) => (o.settings = { effective_cache_size: "1GB" }),
      ["PostgresNative db: settings.effective_cache_size: unknown setting (misspelled?)"],
    ],
    ["unknown option", (o) => (o.dropData = true), ["PostgresNative db: dropData: unknown setting (misspelled?)"]],
    [
      "drop data flag type",
      (o) => (o.dropDataOnDestroy = "yes"),
      ["PostgresNative db: dropDataOnDestroy: Invalid input: expected boolean, received string"],
    ],
    ["pgdg URL", (o) => (o.pgdgUrl = "apt.postgresql.org"), ["PostgresNative db: pgdgUrl: must be an http(s) URL"]],
    ["pgdg key URL", (o) => (o.pgdgKeyUrl = "ftp://x/key.asc"), ["PostgresNative db: pgdgKeyUrl: must be an http(s) URL"]],
    ["codename", (o) => (o.debianCodename = "Trixie 13"), ["PostgresNative db: debianCodename: must be a Debian codename like trixie"]],
  ];
  it.each(cases)("rejects %s", (_name, mutate, expected) => {
    const o = valid();
    mutate(o);
    expect(problems(o)).toEqual(expected);
  });
});

describe("PostgresNative secrets", () => {
  it("accepts one password per role", () => {
    expect(postgresSecretsSchema.parse({ passwords: { openclaw: "p".repeat(16) } })).toEqual({ passwords: { openclaw: "p".repeat(16) } });
    expect(passwordProblems(["openclaw"], { openclaw: "x" })).toEqual([]);
  });
  it.each([
    ["short", { passwords: { openclaw: "short" } }, ["secrets.passwords.openclaw: must be at least 16 characters"]],
    [
      "two lines",
      { passwords: { openclaw: "p".repeat(16) + "\nDROP" } },
      ["secrets.passwords.openclaw: must be a single line without NUL characters"],
    ],
    ["unknown key", { passwords: {}, password: "x" }, ["secrets.password: unknown setting (misspelled?)"]],
    ["missing", {}, ["secrets.passwords: Invalid input: expected record, received undefined"]],
  ])("rejects %s", (_name, raw, expected) => {
    const result = postgresSecretsSchema.safeParse(raw);
    if (result.success) throw new Error("expected the secrets to be rejected");
    expect(formatIssues("secrets.", result.error.issues)).toEqual(expected);
  });
  it("names a role without a password and a password without a role", () => {
    expect(passwordProblems(["openclaw", "memory"], { openclaw: "x", memroy: "y" })).toEqual([
      { path: ["passwords", "memory"], message: "is required: every declared role logs in with a password" },
      { path: ["passwords", "memroy"], message: "'memroy' is not a declared role (roles: openclaw, memory)" },
    ]);
  });
});
