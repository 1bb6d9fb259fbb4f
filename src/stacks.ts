// The stacks of the other hosts: each host is its own stack, and the one value another stack
// creates (the gateway's database password) comes through a stack reference, kept secret.
import * as pulumi from "@pulumi/pulumi";
import { connectionUrl } from "../components/postgres-native/render";
import type { CoreConfig } from "./settings";
import { hostWithRole } from "./topology";

/** What the database stack exports for the gateway stack (its password is exported apart, secret). */
export interface DatabaseExport {
  port: number;
  database: string;
  user: string;
  ssl: "require" | "disable";
}

/**
 * The stack that deploys `host`: `stacks.<host>` when set, else this stack's name with this
 * host's name replaced (vps1 -> vps2, sandbox-vps1 -> sandbox-vps2).
 */
export function stackOf(config: CoreConfig, host: string, thisStack: string): string {
  const named = config.stacks[host];
  if (named) return named;
  if (!thisStack.includes(config.host)) {
    throw new pulumi.RunError(
      `openclaw-infra:stacks.${host}: required, since stack '${thisStack}' does not contain '${config.host}' to derive it from`,
    );
  }
  return thisStack.replace(config.host, host);
}

/**
 * The gateway's DATABASE_URL: the host from the topology, the rest (port, database, role and
 * its password) from the database host's stack. Undefined without a database host.
 */
export function gatewayDatabaseUrl(config: CoreConfig, databaseHost: string | undefined): pulumi.Output<string | undefined> {
  const dbHostName = hostWithRole(config.topology, "database");
  if (!databaseHost || !dbHostName) return pulumi.output(undefined);
  if (dbHostName === config.host) throw new pulumi.RunError("topology: the gateway and the database on one host is not supported yet");
  const ref = new pulumi.StackReference(
    `${pulumi.getOrganization()}/${pulumi.getProject()}/${stackOf(config, dbHostName, pulumi.getStack())}`,
  );
  const db = ref.requireOutput("database") as pulumi.Output<DatabaseExport>;
  const password = ref.requireOutput("databasePassword") as pulumi.Output<string>;
  return pulumi.secret(
    pulumi.all([db, password]).apply(([d, pw]) => connectionUrl({ host: databaseHost, port: d.port, ssl: d.ssl }, d.database, d.user, pw)),
  );
}
