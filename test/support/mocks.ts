// Shared helpers for tests under Pulumi mocks: record what a program registers, and read
// Outputs (including failed and secret ones).
import * as pulumi from "@pulumi/pulumi";

export interface Recorded {
  name: string;
  type: string;
  /** The raw inputs as registered: Outputs keep their secretness. */
  props: pulumi.Inputs;
  /** Names of the resources in opts.dependsOn. */
  dependsOn: string[];
}

/** What Pulumi's typings leave out (marked internal) and these helpers read. */
interface OutputPromise<T> {
  promise(): Promise<T>;
}
interface NamedResource {
  /** The name given to the resource's constructor. */
  __name: string;
}

/** Resolves an Output, rejecting when it failed (apply would just never run). */
export function value<T>(o: pulumi.Input<T>): Promise<T> {
  return (pulumi.output(o) as unknown as OutputPromise<T>).promise();
}

/** `v`, which the test cannot go on without: a clear error naming `what` when it is missing. */
export function must<T>(v: T | null | undefined, what: string): T {
  if (v === undefined || v === null) throw new Error(`missing: ${what}`);
  return v;
}

export const isSecret = (o: unknown): Promise<boolean> => pulumi.isSecret(pulumi.output(o));

/** Pass `opts` to a component; `recorded` then lists every resource it registered, in order. */
export function recorder() {
  const recorded: Recorded[] = [];
  const record: pulumi.ResourceTransformation = (args) => {
    const deps = ([] as pulumi.Resource[]).concat((args.opts.dependsOn as pulumi.Resource[]) ?? []);
    const dependsOn = deps.map((d) => (d as unknown as NamedResource).__name);
    recorded.push({ name: args.name, type: args.type, props: args.props, dependsOn });
    return undefined;
  };
  const find = (name: string): Recorded => {
    const r = recorded.find((x) => x.name === name);
    if (!r) throw new Error(`no resource ${name} (have ${recorded.map((x) => x.name).join(", ")})`);
    return r;
  };
  return { recorded, find, opts: { transformations: [record] } };
}

/** What a step that reports a result prints last on a host under the mocks: a version, or a public key line. */
export function capturedResult(name: string): string {
  if (name.endsWith("node-install")) return "v24.22.3";
  if (name.endsWith("-key")) return `ssh-ed25519 ${"A".repeat(68)} ${name}`;
  return "2026.9.6";
}
