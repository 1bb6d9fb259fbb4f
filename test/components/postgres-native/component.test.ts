// PostgresNative under Pulumi mocks: the resource graph and its order, secrets kept secret
// and out of every script and label, the connection URL, destroy keeping the data.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parsePasswords, PostgresNative, PostgresNativeArgs, PostgresSecrets } from "../../../components/postgres-native";
import { Recorded, recorder, value } from "../../support/mocks";

const PASSWORD = "pg-" + "s3cr3t".repeat(4);
const MEMORY_PASSWORD = "mem-" + "p4ss".repeat(5);
const CONNECTION = { host: "192.0.2.12", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA" };

function deploy(extra: Partial<PostgresNativeArgs> = {}, secrets: PostgresSecrets = { passwords: { openclaw: PASSWORD } }) {
  const { recorded, opts } = recorder();
  const db = new PostgresNative(
    "vps2-postgres",
    { connection: CONNECTION, privateAddress: "10.0.0.2", peers: ["10.0.0.1"], secrets: pulumi.secret(secrets), ...extra },
    opts,
  );
  return { db, recorded };
}

const byName = (recorded: Recorded[], name: string): Recorded => {
  const found = recorded.find((r) => r.name === name);
  if (!found) throw new Error(`no resource ${name} (have ${recorded.map((r) => r.name).join(", ")})`);
  return found;
};

beforeAll(() => {
  pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs } }), call: () => ({}) },
    "openclaw-infra",
    "vps2",
    false,
  );
});

describe("PostgresNative graph", () => {
  it("registers PGDG, packages, cluster, configuration, roles and databases with stable names", () => {
    const { recorded } = deploy();
    expect(recorded.map((r) => `${r.type} ${r.name}`)).toEqual([
      "openclaw:database:PostgresNative vps2-postgres",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps2-postgres-createcluster",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps2-postgres-base",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps2-postgres-repo",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps2-postgres-packages",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps2-postgres-cluster",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps2-postgres-conf",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps2-postgres-hba",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps2-postgres-roles",
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand vps2-postgres-databases",
    ]);
  });

  it("orders every step after the one it needs", () => {
    const { recorded } = deploy();
    const deps = Object.fromEntries(recorded.map((r) => [r.name, r.dependsOn]));
    // No main cluster from the package's postinst: the cluster step makes it (and may restore into it first).
    expect(deps["vps2-postgres-createcluster"]).toEqual([]);
    expect(deps["vps2-postgres-base"]).toEqual(["vps2-postgres-createcluster"]);
    expect(deps["vps2-postgres-repo"]).toEqual(["vps2-postgres-base"]);
    expect(deps["vps2-postgres-packages"]).toEqual(["vps2-postgres-repo"]);
    expect(deps["vps2-postgres-cluster"]).toEqual(["vps2-postgres-packages"]);
    expect(deps["vps2-postgres-conf"]).toEqual(["vps2-postgres-cluster"]);
    expect(deps["vps2-postgres-hba"]).toEqual(["vps2-postgres-conf"]);
    expect(deps["vps2-postgres-roles"]).toEqual(["vps2-postgres-hba"]);
    expect(deps["vps2-postgres-databases"]).toEqual(["vps2-postgres-roles"]);
  });

  it("installs from Debian without a repository when source is distribution", async () => {
    const { recorded } = deploy({ source: "distribution" });
    expect(recorded.map((r) => r.name)).not.toContain("vps2-postgres-repo");
    expect(byName(recorded, "vps2-postgres-packages").dependsOn).toEqual(["vps2-postgres-createcluster"]);
    expect(await value(byName(recorded, "vps2-postgres-packages").props.create)).toContain(
      "for spec in 'postgresql-17' 'postgresql-17-pgvector'; do",
    );
  });

  it("pins the PGDG signing key by fingerprint in a deb822 source for the host's release", async () => {
    const { recorded } = deploy();
    const repo = byName(recorded, "vps2-postgres-repo");
    const create = await value<string>(repo.props.create);
    expect(create).toContain("curl -fsSL 'https://www.postgresql.org/media/keys/ACCC4CF8.asc'");
    expect(create).toContain("'B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8'");
    expect(await value(repo.props.stdin)).toBe(
      "Types: deb\nURIs: https://apt.postgresql.org/pub/repos/apt\nSuites: trixie-pgdg\nComponents: main\nSigned-By: /etc/apt/keyrings/pgdg.asc\n",
    );
  });

  it("connects with the pinned host key it was given", async () => {
    const { recorded } = deploy();
    expect(await value(byName(recorded, "vps2-postgres-roles").props.connection)).toEqual(CONNECTION);
  });
});

describe("PostgresNative secrets", () => {
  it("sends role passwords only as secret stdin", async () => {
    const { recorded } = deploy();
    const roles = byName(recorded, "vps2-postgres-roles");
    expect(await pulumi.isSecret(pulumi.output(roles.props.stdin))).toBe(true);
    expect(await value(roles.props.stdin)).toContain(`PASSWORD '${PASSWORD}'`);
  });

  it("puts no password into any script, label or plain payload", async () => {
    const { recorded } = deploy();
    for (const r of recorded.filter((r) => r.type.includes("RemoteCommand"))) {
      for (const key of ["create", "update", "delete", "label"]) {
        expect(String((await value(r.props[key])) ?? ""), `${r.name}.${key}`).not.toContain(PASSWORD);
      }
      if (!(await pulumi.isSecret(pulumi.output(r.props.stdin)))) {
        expect(String((await value(r.props.stdin)) ?? ""), `${r.name}.stdin`).not.toContain(PASSWORD);
      }
    }
  });

  it("keeps configuration, hba and database payloads readable in a preview", async () => {
    const { recorded } = deploy();
    for (const name of ["vps2-postgres-conf", "vps2-postgres-hba", "vps2-postgres-databases"]) {
      expect(await pulumi.isSecret(pulumi.output(byName(recorded, name).props.stdin)), name).toBe(false);
    }
  });

  it("gives a secret, percent-encoded connection URL for a database, as its owner by default", async () => {
    const { db } = deploy(
      {
        roles: [{ name: "openclaw" }, { name: "memory" }],
        databases: [
          { name: "openclaw", owner: "openclaw" },
          { name: "memory", owner: "memory" },
        ],
      },
      { passwords: { openclaw: PASSWORD, memory: MEMORY_PASSWORD } },
    );
    const url = db.connectionUrl("openclaw");
    expect(await pulumi.isSecret(url)).toBe(true);
    expect(await value(url)).toBe(`postgresql://openclaw:${PASSWORD}@10.0.0.2:5432/openclaw?sslmode=require`);
    expect(await value(db.connectionUrl("memory", "memory"))).toBe(
      `postgresql://memory:${MEMORY_PASSWORD}@10.0.0.2:5432/memory?sslmode=require`,
    );
    expect(db.host).toBe("10.0.0.2");
    expect(db.port).toBe(5432);
    expect(db.databases).toEqual(["openclaw", "memory"]);
  });

  it("refuses a URL for an unknown database or role, naming both lists", () => {
    const { db } = deploy();
    expect(() => db.connectionUrl("opencalw")).toThrow(
      "PostgresNative vps2-postgres: connectionUrl: 'opencalw' is not a managed database (databases: openclaw)",
    );
    expect(() => db.connectionUrl("openclaw", "admin")).toThrow(
      "PostgresNative vps2-postgres: connectionUrl: 'admin' is not a declared role (roles: openclaw)",
    );
  });

  it("validates the secrets when they resolve, naming the field", () => {
    // The same function the component applies to its secrets (tested directly: a rejected
    // Output inside a registered resource would surface as an unhandled rejection).
    expect(() => parsePasswords("PostgresNative vps2-postgres: ", ["openclaw"], { passwords: {} })).toThrow(
      "PostgresNative vps2-postgres: secrets.passwords.openclaw: is required: every declared role logs in with a password",
    );
    expect(() => parsePasswords("PostgresNative vps2-postgres: ", ["openclaw"], { passwords: { openclaw: "short" } })).toThrow(
      "PostgresNative vps2-postgres: secrets.passwords.openclaw: must be at least 16 characters",
    );
    expect(parsePasswords("x: ", ["openclaw"], { passwords: { openclaw: PASSWORD } })).toEqual({ openclaw: PASSWORD });
  });
});

describe("PostgresNative options", () => {
  it("fails before registering anything, naming the field", () => {
    expect(() => deploy({ port: 80 })).toThrow("PostgresNative vps2-postgres: port: Too small: expected number to be >=1024");
  });

  it("keeps the data on destroy unless dropDataOnDestroy is set", async () => {
    const kept = await value<string>(byName(deploy().recorded, "vps2-postgres-cluster").props.delete);
    expect(kept).toContain("kept cluster 17/main and its data");
    expect(kept).not.toContain("pg_dropcluster");
    const dropped = await value<string>(byName(deploy({ dropDataOnDestroy: true }).recorded, "vps2-postgres-cluster").props.delete);
    expect(dropped).toContain("pg_dropcluster --stop 17 main");
  });

  it("drops no database or role on destroy", async () => {
    const { recorded } = deploy();
    expect(byName(recorded, "vps2-postgres-roles").props.delete).toBeUndefined();
    expect(byName(recorded, "vps2-postgres-databases").props.delete).toBeUndefined();
  });
});
