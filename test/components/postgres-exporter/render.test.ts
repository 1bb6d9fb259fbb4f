// PostgresExporter's rendered files and scripts: golden files, and the password kept out of
// its command line and environment (a file named by DATA_SOURCE_PASS_FILE).
import { describe, expect, it } from "vitest";
import {
  connectionEnvironment,
  dropInSpec,
  PATHS,
  renderDropIn,
  renderFlags,
  renderRoleCheck,
  renderRoleScript,
  renderRoleSql,
} from "../../../components/postgres-exporter/render";
import { postgresExporterArgsSchema, postgresExporterOptionsSchema } from "../../../components/postgres-exporter/schema";
import { renderDefaults } from "../../../src/remote/packaged-service";

const s = postgresExporterArgsSchema.parse({ listenAddress: "10.0.0.2", postgresPort: 5432 });

describe("postgres-exporter rendering (golden files)", () => {
  it("renders ARGS, the drop-in and the role scripts", async () => {
    await expect(renderDefaults(PATHS, renderFlags(s))).toMatchFileSnapshot("golden/prometheus-postgres-exporter.default");
    await expect(renderDropIn(s)).toMatchFileSnapshot("golden/prometheus-postgres-exporter.service.d-10-openclaw.conf");
    await expect(renderRoleScript(s)).toMatchFileSnapshot("golden/role.sh");
    await expect(renderRoleCheck(s)).toMatchFileSnapshot("golden/role-check.sh");
    await expect(renderRoleSql(s, "pw-example'quoted")).toMatchFileSnapshot("golden/role.sql");
  });
});

describe("postgres-exporter settings", () => {
  it("connects over loopback as its own role, the password read from a file", () => {
    expect(connectionEnvironment(s)).toEqual([
      ["DATA_SOURCE_URI", "127.0.0.1:5432/postgres?sslmode=disable"],
      ["DATA_SOURCE_USER", "postgres_exporter"],
      ["DATA_SOURCE_PASS_FILE", "/etc/prometheus/postgres-exporter.password"],
    ]);
    const text = renderDropIn(s) + renderDefaults(PATHS, renderFlags(s)) + renderRoleScript(s);
    expect(text).not.toContain("DATA_SOURCE_NAME");
    expect(renderRoleSql(s, "x".repeat(20))).toContain(`GRANT pg_monitor TO "postgres_exporter";`);
    expect(dropInSpec(s).hardening?.length).toBeGreaterThan(0);
  });
  it("refuses PostgreSQL's own role names", () => {
    expect(postgresExporterOptionsSchema.safeParse({ role: "postgres" }).success).toBe(false);
    expect(postgresExporterOptionsSchema.safeParse({ role: "pg_monitor" }).success).toBe(false);
  });
});
