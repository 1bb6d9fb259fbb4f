// PostgresNative rendering: golden files for every file, SQL text and script it ships.
import { spawnSync } from "child_process";
import { describe, expect, it } from "vitest";
import { hardening } from "../../../src/hardening";
import {
  connectionUrl,
  dropInSpec,
  renderClusterDelete,
  renderClusterScript,
  renderConf,
  renderConfDelete,
  confFileSpec,
  hbaFileSpec,
  renderDatabasesSql,
  renderHba,
  renderRolesSql,
  renderSqlScript,
  renderUnitDropIn,
} from "../../../components/postgres-native/render";
import { postgresArgsSchema } from "../../../components/postgres-native/schema";
import { checkedFileScript } from "../../../src/remote/checked-file";
import { sqlIdent, sqlLiteral } from "../../../src/remote/sql";

const renderConfScript = (s: Parameters<typeof confFileSpec>[0]) => checkedFileScript(confFileSpec(s));
const renderHbaScript = (s: Parameters<typeof hbaFileSpec>[0]) => checkedFileScript(hbaFileSpec(s));

const s = postgresArgsSchema.parse({
  privateAddress: "10.0.0.2",
  peers: ["10.0.0.1"],
  roles: [{ name: "openclaw" }, { name: "memory", createdb: true }],
  databases: [
    { name: "openclaw", owner: "openclaw" },
    { name: "memory", owner: "memory", extensions: ["vector", "pg_trgm"] },
  ],
});
const PASSWORDS = { openclaw: "pw-openclaw-0123456789", memory: 'it\'s a "quoted" pw' };

describe("PostgresNative files (golden)", () => {
  it("renders the conf.d drop-in", async () => {
    await expect(renderConf(s)).toMatchFileSnapshot("golden/90-openclaw.conf");
  });
  it("renders pg_hba.conf with one entry per peer and database", async () => {
    await expect(renderHba(s)).toMatchFileSnapshot("golden/pg_hba.conf");
  });
  it("renders the pg_hba.conf a destroy leaves (no peers)", async () => {
    await expect(renderHba(s, false)).toMatchFileSnapshot("golden/pg_hba.destroyed.conf");
  });
  it("renders the unit drop-in", async () => {
    await expect(renderUnitDropIn()).toMatchFileSnapshot("golden/postgresql@17-main.service.d-10-openclaw.conf");
  });
  it("renders the roles SQL", async () => {
    await expect(renderRolesSql(s, PASSWORDS)).toMatchFileSnapshot("golden/roles.sql");
  });
  it("renders the databases SQL", async () => {
    await expect(renderDatabasesSql(s)).toMatchFileSnapshot("golden/databases.sql");
  });
});

describe("PostgresNative scripts (golden)", () => {
  it("cluster", async () => {
    await expect(renderClusterScript(s)).toMatchFileSnapshot("golden/cluster.sh");
  });
  it("cluster delete, keeping the data", async () => {
    await expect(renderClusterDelete(s)).toMatchFileSnapshot("golden/cluster-delete.sh");
  });
  it("cluster delete with dropDataOnDestroy", async () => {
    await expect(renderClusterDelete({ ...s, dropDataOnDestroy: true })).toMatchFileSnapshot("golden/cluster-delete-drop.sh");
  });
  it("conf.d drop-in, checked then applied", async () => {
    await expect(renderConfScript(s)).toMatchFileSnapshot("golden/conf.sh");
  });
  it("conf.d drop-in delete", async () => {
    await expect(renderConfDelete(s)).toMatchFileSnapshot("golden/conf-delete.sh");
  });
  it("pg_hba.conf, checked then applied", async () => {
    await expect(renderHbaScript(s)).toMatchFileSnapshot("golden/hba.sh");
  });
  it("SQL runner", async () => {
    await expect(renderSqlScript(s, "roles and their passwords", "roles: openclaw, memory")).toMatchFileSnapshot("golden/sql.sh");
  });
});

describe("PostgresNative rendering rules", () => {
  it("runs the server as postgres from the start, the shared policy merged in through spec.hardening", () => {
    const spec = dropInSpec();
    expect(spec.sections.Service.filter((line) => !("comment" in line))).toEqual([
      ["User", "postgres"],
      ["Group", "postgres"],
    ]);
    expect(spec.hardening).toEqual(
      hardening({
        jit: true,
        supplementaryGroups: true,
        extra: [["ReadWritePaths", "/var/lib/postgresql /run/postgresql /var/log/postgresql"]],
      }),
    );
    expect(renderUnitDropIn()).not.toMatch(/PrivateUsers|MemoryDenyWriteExecute/);
  });
  it("listens on localhost and the private address, SCRAM for passwords", () => {
    const conf = renderConf(s);
    expect(conf).toContain("listen_addresses = 'localhost,10.0.0.2'\n");
    expect(conf).toContain("password_encryption = 'scram-sha-256'\n");
    expect(conf).toContain("port = 5432\n");
  });
  it("lets a peer into each database as its owner only, over TLS unless ssl: disable", () => {
    const lines = (text: string) =>
      text
        .split("\n")
        .filter((l) => l && !l.startsWith("#"))
        .map((l) => l.split(/\s+/).join(" "));
    expect(lines(renderHba(s))).toEqual([
      "local all postgres peer",
      "host all all 127.0.0.1/32 scram-sha-256",
      "host all all ::1/128 scram-sha-256",
      "hostssl openclaw openclaw 10.0.0.1/32 scram-sha-256",
      "hostssl memory memory 10.0.0.1/32 scram-sha-256",
    ]);
    expect(lines(renderHba({ ...s, ssl: "disable" }))).toContain("host openclaw openclaw 10.0.0.1/32 scram-sha-256");
    expect(lines(renderHba(s)).join("\n")).not.toMatch(/\b(trust|md5|password|ident)\b/);
  });
  it("checks for ssl = on only when the new file has hostssl entries, which only ssl: require writes", () => {
    expect(renderHbaScript(s)).toContain(`if grep -q '^hostssl' "$dest" && [ "$(sql -d postgres -tAc 'SHOW ssl')" != on ]; then`);
    expect(renderHba(s)).toMatch(/^hostssl /m);
    expect(renderHba({ ...s, ssl: "disable" })).not.toMatch(/^hostssl /m);
    expect(renderHba(s, false)).not.toMatch(/^hostssl /m);
  });
  it("never drops a database or the data unless dropDataOnDestroy is set", () => {
    const all = [
      renderClusterScript(s),
      renderClusterDelete(s),
      renderConfDelete(s),
      renderHba(s, false),
      renderDatabasesSql(s),
      renderRolesSql(s, PASSWORDS),
    ].join("\n");
    expect(all).not.toMatch(/DROP |pg_dropcluster|rm -rf \/var\/lib\/postgresql/);
    expect(renderClusterDelete({ ...s, dropDataOnDestroy: true })).toContain("pg_dropcluster --stop 17 main");
  });
  it("creates only what is missing, so it can run again over existing data", () => {
    const sql = renderRolesSql(s, PASSWORDS) + renderDatabasesSql(s);
    expect(sql).toContain(
      `SELECT 'CREATE ROLE "openclaw"' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'openclaw')\\gexec`,
    );
    expect(sql).toContain(`CREATE EXTENSION IF NOT EXISTS "vector";`);
    expect(sql).not.toMatch(/^CREATE (ROLE|DATABASE)/m);
  });
  it("quotes passwords as SQL literals and keeps them out of the logs", () => {
    const sql = renderRolesSql(s, PASSWORDS);
    expect(sql).toContain(`PASSWORD 'it''s a "quoted" pw';`);
    expect(sql.indexOf("SET log_min_error_statement = 'panic';")).toBeLessThan(sql.indexOf("PASSWORD"));
    expect(sql.indexOf("SET log_statement = 'none';")).toBeLessThan(sql.indexOf("PASSWORD"));
  });
  it("quotes identifiers and literals", () => {
    expect(sqlIdent('a"b')).toBe('"a""b"');
    expect(sqlLiteral("o'clock")).toBe("'o''clock'");
    expect(() => sqlLiteral("a\0b")).toThrow("NUL");
  });
  it("builds a percent-encoded connection URL for the private address", () => {
    const to = { host: s.privateAddress, port: s.port, ssl: s.ssl };
    expect(connectionUrl(to, "openclaw", "openclaw", "p@ss:w/rd?#")).toBe(
      "postgresql://openclaw:p%40ss%3Aw%2Frd%3F%23@10.0.0.2:5432/openclaw?sslmode=require",
    );
    expect(connectionUrl({ ...to, ssl: "disable", port: 5433 }, "memory", "memory", "x")).toBe(
      "postgresql://memory:x@10.0.0.2:5433/memory?sslmode=disable",
    );
  });
  it("refuses to start a second major version on the port another one uses", () => {
    expect(renderClusterScript(s)).toContain(`awk -v v=17 -v p=5432 '$1 != v && $3 == p {print $1 "/" $2}'`);
  });
  it("drops the new cluster when any step of the seed fails, not only its last (under real bash)", () => {
    const end = 'the next up tries again" >&2\n    exit 1\n  fi\n';
    const seedBlock = (seed: string) => {
      const script = renderClusterScript(s, seed);
      return script.slice(script.indexOf("  set +e\n"), script.indexOf(end) + end.length);
    };
    const run = (seed: string) =>
      spawnSync("bash", ["-euo", "pipefail", "-c", `pg_dropcluster() { echo "dropped $*"; }\n${seedBlock(seed)}echo "went on"`], {
        encoding: "utf8",
      });
    const failed = run("false\necho restored");
    expect(failed.status).toBe(1);
    expect(failed.stdout).toBe("dropped 17 main\n");
    const ok = run("true\necho restored");
    expect(ok.stdout).toBe("restored\nwent on\n");
  });
  it("follows the major version in paths and unit names", () => {
    const v16 = postgresArgsSchema.parse({ privateAddress: "10.0.0.2", version: 16 });
    expect(renderConfScript(v16)).toContain("'/etc/postgresql/16/main/conf.d/90-openclaw.conf'");
    expect(renderClusterScript(v16)).toContain(`systemctl "$start" 'postgresql@16-main.service'`);
  });
});
