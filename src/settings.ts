// The stack's own settings, whatever components it deploys: which host it is, the topology,
// the SSH login, where hosts fetch software from, the other hosts' stacks. Below the registry:
// entries, walkers and config loading all read these, and this module imports none of them.
import { z } from "zod";
import { SSH_DEFAULTS } from "./remote/ssh";
import { hostName, topologySchema } from "./topology";
import { httpUrl } from "./validate";

export const PROJECT = "openclaw-infra";

/**
 * How the machine running Pulumi logs in to the hosts. Read again by the provider from the
 * stack config (src/remote/ssh.ts), so neither the key path nor its passphrase (the secret
 * `sshKeyPassphrase`) enters the state.
 */
export const sshSchema = z
  .object({
    user: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]*$/, "must be a login name")
      .default(SSH_DEFAULTS.user),
    /** Private key on the machine running Pulumi; its content never enters the state. */
    privateKeyPath: z.string().min(1).default(SSH_DEFAULTS.privateKeyPath),
    /** Use the ssh-agent at SSH_AUTH_SOCK when it is set (besides the key file, or instead of it). */
    agent: z.boolean().default(SSH_DEFAULTS.agent),
  })
  .strict();

/** Where hosts fetch software from. Production defaults; the sandbox points them at local mirrors. */
export const sourcesSchema = z
  .object({
    npmRegistry: httpUrl.default("https://registry.npmjs.org/"),
    nodeDist: httpUrl.default("https://nodejs.org/dist"),
    nodeSource: httpUrl.default("https://deb.nodesource.com"),
    /** Base URL of the log agent's release downloads (<url>/v<version>/<asset>), for logs.from: archive. */
    logAgentReleases: httpUrl.optional(),
    /** File name of that download (a .zip, or the binary itself). */
    logAgentAsset: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, "must be a file name like promtail-linux-amd64.zip")
      .optional(),
  })
  .strict();

/** The stack's own settings, whatever components it deploys. */
export const coreShape = {
  /** Which host of the topology this stack deploys. */
  host: hostName,
  topology: topologySchema,
  ssh: sshSchema.prefault({}),
  sources: sourcesSchema.prefault({}),
  /** Stack that deploys each other host, for stack references. Default: this stack's name with its host's name replaced. */
  stacks: z.record(hostName, z.string().min(1)).default({}),
};
export type CoreConfig = z.output<z.ZodObject<typeof coreShape>>;

/** Secrets of the stack itself, whatever it deploys. */
export const coreSecretsShape = {
  /** Passphrase of ssh.privateKeyPath, when it has one and ssh-agent does not hold the key. */
  sshKeyPassphrase: z.string().optional(),
};
