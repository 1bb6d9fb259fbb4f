// The stacks of the other hosts: each host is its own stack, and the one value another stack
// creates (the gateway's database password) comes through a stack reference, kept secret.
import * as pulumi from "@pulumi/pulumi";
import { connectionUrl } from "../components/postgres-native/render";
import type { Problem } from "./registry/types";
import { CoreConfig, PROJECT } from "./settings";
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

/** The database stack's outputs the gateway reads, as its stack holds them (undefined before its first up). */
interface DatabaseStack {
  host: string;
  stack: string;
  outputs: Promise<{ database?: DatabaseExport; password?: string }>;
}

const databaseStacks = new Map<string, DatabaseStack>();
const references = new Map<string, pulumi.StackReference>();

/** A stack of this project (this one included: its outputs as its last update left them), referenced once per program. */
export function stackReference(stack: string): pulumi.StackReference {
  let ref = references.get(stack);
  if (!ref) {
    ref = new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${stack}`);
    references.set(stack, ref);
  }
  return ref;
}

/** An output of a referenced stack, secret or not; undefined when the stack has none by that name. */
export async function stackOutput(stack: string, name: string): Promise<unknown> {
  const details = await stackReference(stack).getOutputDetails(name);
  return details.value ?? details.secretValue;
}

/** The database host's stack, read once per program (one StackReference), or undefined without a database host. */
function databaseStack(config: CoreConfig): DatabaseStack | undefined {
  const host = hostWithRole(config.topology, "database");
  if (!host) return undefined;
  if (host === config.host) throw new pulumi.RunError("topology: the gateway and the database on one host is not supported yet");
  const stack = stackOf(config, host, pulumi.getStack());
  const known = databaseStacks.get(stack);
  if (known) return known;
  const outputs = Promise.all([stackOutput(stack, "database"), stackOutput(stack, "databasePassword")]).then(([database, password]) => ({
    database: database as DatabaseExport | undefined,
    password: password as string | undefined,
  }));
  const found = { host, stack, outputs };
  databaseStacks.set(stack, found);
  return found;
}

/** What an up of the gateway's stack cannot go on without: the database stack deployed (a preview goes on, see gatewayDatabaseUrl). */
export async function databaseStackProblem(config: CoreConfig): Promise<Problem | undefined> {
  const db = databaseStack(config);
  if (!db) return undefined;
  const outputs = await db.outputs;
  const missing = [!outputs.database && "database", !outputs.password && "databasePassword"].filter(Boolean).join("' and '");
  if (!missing) return undefined;
  return { key: `stacks.${db.host}`, message: `stack ${db.stack} has no output '${missing}' yet: run pulumi up -s ${db.stack} first` };
}

/**
 * The gateway's DATABASE_URL: the host from the topology, the rest (port, database, role and
 * its password) from the database host's stack. Undefined without a database host. Before the
 * database stack's first up, a preview goes on with the URL unknown and says so (an up stops at
 * the gateway's preflight, databaseStackProblem).
 */
export function gatewayDatabaseUrl(config: CoreConfig, databaseHost: string | undefined): pulumi.Output<string | undefined> {
  const db = databaseStack(config);
  if (!databaseHost || !db) return pulumi.output(undefined);
  return pulumi.secret(
    pulumi
      .output(Promise.all([db.outputs, databaseStackProblem(config)]))
      .apply(([{ database, password }, problem]): pulumi.Output<string | undefined> | string => {
        if (!database || !password) {
          const line = `${PROJECT}:${problem?.key}: ${problem?.message}`;
          if (!pulumi.runtime.isDryRun()) throw new pulumi.RunError(line);
          pulumi.log.warn(`${line}; this preview shows the gateway's DATABASE_URL as unknown`);
          // The SDK's own unknown value: what a preview shows for an output not known yet.
          return pulumi.output<string | undefined>(pulumi.unknown as never);
        }
        return connectionUrl({ host: databaseHost, port: database.port, ssl: database.ssl }, database.database, database.user, password);
      }),
  );
}
