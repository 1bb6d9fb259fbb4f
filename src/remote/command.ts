// RemoteCommand: the one resource every host operation is built on. It runs `create` when the
// resource is created, `update` (or `create`) when its inputs change and `delete` when it is
// destroyed. Deciding whether anything changed is pure (diff runs locally), so an `up` with
// nothing changed opens no SSH connection at all.
//
// Drift: an operation may give a `check` script that prints facts about the host (a file's
// content same/changed, its mode and owner; a unit enabled and active) and `observed`, what
// that script prints on a host in the state the operation makes. `pulumi refresh` calls read,
// which runs the check and stores what it printed as `observed`: a hand edit then differs from
// the program's `observed` and the next `up` puts it back. A plain `up` never reads.
//
// It is a dynamic provider because @pulumi/command's plugin cannot be built on this
// toolchain (see README, "Why not @pulumi/command"); it keeps the same contract and applies
// the facts listed in DESIGN.md: payloads via stdin only, no SSH setenv, and replacement is
// delete-before-create so an old delete never removes what a new create wrote.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Connection, runRemote, SshAuth, sshAuthFromConfig } from "./ssh";

export interface RemoteCommandInputs {
  connection: pulumi.Input<Connection>;
  /** Names the step in errors and progress, e.g. "write /etc/openclaw/gateway.env". */
  label: pulumi.Input<string>;
  create: pulumi.Input<string>;
  /** Runs when inputs change; defaults to `create`. Scripts must be safe to run twice. */
  update?: pulumi.Input<string>;
  delete?: pulumi.Input<string>;
  /** Sent on stdin to create/update. Secret when it holds secrets (it is then encrypted in state). */
  stdin?: pulumi.Input<string>;
  /** Values whose change re-runs `update` (e.g. digests of files a service reads). */
  triggers?: pulumi.Input<pulumi.Input<string>[]>;
  /** Keep the last line of create/update stdout as the `result` output (never for secrets). */
  captureResult?: pulumi.Input<boolean>;
  /** Prints facts about the host, one `key=value` per line; gets `stdin` like create. Run by refresh only. */
  check?: pulumi.Input<string>;
  /** What `check` prints when the host is as this resource makes it. Never holds a secret. */
  observed?: pulumi.Input<string>;
}

interface State {
  connection: Connection;
  label: string;
  create: string;
  update?: string;
  delete?: string;
  stdin?: string;
  triggers?: string[];
  captureResult?: boolean;
  check?: string;
  observed?: string;
  result?: string;
  /** The provider's code (PROVIDER), which every dynamic resource stores in its inputs and outputs. */
  __provider?: string;
}

/** Inputs whose change means a different thing on the host: replace instead of update. */
const REPLACE_KEYS = ["connection"] as const;
/**
 * What an update must act on. `check` is not among them: a new way of looking at the host is
 * no reason to change it. `observed` is: after a refresh it holds what the host showed.
 */
const COMPARED_KEYS = ["connection", "label", "create", "update", "delete", "stdin", "triggers", "captureResult", "observed"] as const;

/** Which inputs differ between two states. Exported for unit tests. */
export function changedKeys(olds: Partial<State>, news: Partial<State>): string[] {
  const comparable = (state: Partial<State>, key: (typeof COMPARED_KEYS)[number]) =>
    JSON.stringify((key === "connection" ? hostIdentity(state.connection) : state[key]) ?? null);
  return COMPARED_KEYS.filter((k) => comparable(olds, k) !== comparable(news, k));
}

/** Which host a connection reaches: anything else in it (say, a login detail an older version stored) is not a change of host. */
function hostIdentity(c: Connection | undefined) {
  return c && { host: c.host, port: c.port, user: c.user, hostKey: c.hostKey };
}

/**
 * What an `up` does with this resource: nothing, an update, or a delete-then-create. A state
 * that stores another provider (an older loader, or one serialized whole) is updated: the update
 * only rewrites the state (see `update`), so refresh and delete run the current code after it.
 */
export function planChange(olds: Partial<State>, news: Partial<State>): pulumi.dynamic.DiffResult {
  const changes = changedKeys(olds, news);
  const replaces = changes.filter((k) => (REPLACE_KEYS as readonly string[]).includes(k));
  const providerChanged = olds.__provider !== news.__provider;
  return { changes: changes.length > 0 || providerChanged, replaces, deleteBeforeReplace: true };
}

function lastLine(text: string): string {
  return text.trimEnd().split("\n").pop() ?? "";
}

/** Outputs as the engine stores them: `result` only when captured (undefined cannot be serialized). */
function outputs(inputs: State, stdout: string): State {
  const { result: _previous, ...rest } = inputs;
  return inputs.captureResult ? { ...rest, result: lastLine(stdout) } : rest;
}

type Provider = Required<Omit<pulumi.dynamic.ResourceProvider, "check" | "configure">>;

/** The login and the scripts, in the provider's process: `config` reads the stack's config there. */
export function remoteCommandProvider(config: (key: string) => string | undefined): Provider {
  let auth: SshAuth | undefined;
  // Read on first use: a preview or a no-op `up` only diffs and never logs in.
  const login = () => (auth ??= sshAuthFromConfig(config));
  return {
    async diff(_id: string, olds: State, news: State): Promise<pulumi.dynamic.DiffResult> {
      return planChange(olds, news);
    },

    async create(inputs: State): Promise<pulumi.dynamic.CreateResult> {
      const { stdout } = await runRemote(inputs.connection, login(), inputs.label, inputs.create, inputs.stdin);
      return { id: `${inputs.connection.host}:${inputs.label}`, outs: outputs(inputs, stdout) };
    },

    async update(_id: string, olds: State, news: State): Promise<pulumi.dynamic.UpdateResult> {
      // Only the stored provider differs: the state is rewritten, the host is not touched.
      if (changedKeys(olds, news).length === 0) return { outs: outputs(news, olds.result ?? "") };
      const { stdout } = await runRemote(news.connection, login(), news.label, news.update ?? news.create, news.stdin);
      return { outs: outputs(news, stdout) };
    },

    async delete(_id: string, olds: State): Promise<void> {
      if (olds.delete) await runRemote(olds.connection, login(), `undo ${olds.label}`, olds.delete);
    },

    /** Refresh: what the check prints now becomes `observed`, in the outputs and the inputs diffs compare. */
    async read(id: string, props: State): Promise<pulumi.dynamic.ReadResult> {
      if (!props.check) return { id, props };
      const { stdout } = await runRemote(props.connection, login(), `check ${props.label}`, props.check, props.stdin);
      const observed = stdout.trim();
      const { result: _result, ...inputs } = props;
      return { id, props: { ...props, observed }, inputs: { ...inputs, observed } };
    },
  };
}

/**
 * What Pulumi stores as every resource's provider (`__provider`, in its inputs and again in its
 * outputs) and the dynamic-provider process runs: one line loading command-provider.js, which
 * the SDK would otherwise serialize whole. It names the file relative to the program's folder,
 * the provider process's working directory too, so it reads the same in every clone.
 */
const PROVIDER = `exports.handler = () => require(require("path").resolve(${JSON.stringify(
  path.relative(process.cwd(), path.join(__dirname, "command-provider.js")),
)}));`;

/** A dynamic resource (the type pulumi.dynamic.Resource gives it) whose provider is PROVIDER. */
export class RemoteCommand extends pulumi.CustomResource {
  /** Last line of stdout, when captureResult is set. */
  declare readonly result: pulumi.Output<string | undefined>;

  constructor(name: string, args: RemoteCommandInputs, opts?: pulumi.CustomResourceOptions) {
    super(
      "pulumi-nodejs:dynamic/openclaw:RemoteCommand",
      name,
      { ...args, result: undefined, __provider: PROVIDER },
      { ...opts, additionalSecretOutputs: ["stdin"] },
    );
  }
}
