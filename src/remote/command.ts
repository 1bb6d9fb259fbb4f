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
  /** The serialized provider, which the SDK adds to every dynamic resource's inputs and outputs. */
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
 * that stores another provider (one serialized whole, before the loader) is updated: the update
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

/** This module from the program's directory, which is the provider process's working directory too. */
const MODULE_FROM_PROGRAM = path.relative(process.cwd(), __filename);

/**
 * What Pulumi serializes into every resource's state (`__provider`, in its inputs and again in
 * its outputs) and runs in the provider process: not the provider's code, which made 16.7 KB
 * per copy, but a loader of it, about a kilobyte that reads the same in every clone. The SDK
 * calls `configure` before any other method; it gives the loader remoteCommandProvider's
 * methods, loading this module on first use: a resource whose inputs are all as stored (but
 * `check`, which changes nothing on a host) has no change, decided without it, so a no-op `up`
 * or a preview does not wait for the TypeScript compiler the module needs in the provider
 * process (plain Node: ts-node, as the program uses). Refresh and delete run the provider
 * stored in the state: a loader keeps them on the program's current code.
 */
const loader: Pick<pulumi.dynamic.ResourceProvider, "configure"> = {
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    let loaded: Provider | undefined;
    const provider = (): Provider => {
      if (loaded) return loaded;
      const file: string = require("path").resolve(MODULE_FROM_PROGRAM);
      if (file.endsWith(".ts") && !require.extensions[".ts"]) require("ts-node").register({ transpileOnly: true });
      return (loaded = require(file).remoteCommandProvider((key: string) => req.config.get(key)));
    };
    const same = (olds: Record<string, unknown>, news: Record<string, unknown>) =>
      [...Object.keys(olds), ...Object.keys(news)].every(
        (k) => k === "check" || k === "result" || JSON.stringify(olds[k]) === JSON.stringify(news[k]),
      );
    const methods: Provider = {
      diff: async (id, olds, news) => (same(olds, news) ? { changes: false } : provider().diff(id, olds, news)),
      create: (inputs) => provider().create(inputs),
      update: (id, olds, news) => provider().update(id, olds, news),
      delete: (id, props) => provider().delete(id, props),
      read: (id, props) => provider().read(id, props),
    };
    Object.assign(this, methods);
  },
};

export class RemoteCommand extends pulumi.dynamic.Resource {
  /** Last line of stdout, when captureResult is set. */
  declare readonly result: pulumi.Output<string | undefined>;

  constructor(name: string, args: RemoteCommandInputs, opts?: pulumi.CustomResourceOptions) {
    // The loader has `create` and the rest once `configure` ran, which the SDK does first.
    super(
      loader as pulumi.dynamic.ResourceProvider,
      name,
      { ...args, result: undefined },
      {
        ...opts,
        additionalSecretOutputs: ["stdin"],
      },
      "openclaw",
      "RemoteCommand",
    );
  }
}
