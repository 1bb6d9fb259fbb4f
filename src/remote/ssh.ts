// Runs one bash script on a host over SSH. The script travels as the command; a payload
// (file content, secrets) travels only on stdin, so no secret is ever in a command line.
//
// All scripts for one host share one SSH connection per process (a deployment's resources all
// run in the one dynamic-provider process), at most MAX_CHANNELS at a time, so a fresh up
// logs in once per host instead of once per resource.
//
// ssh2 is required inside the functions that use it (its types come from a type-only import),
// and the pool lives on globalThis, so the provider process keeps one connection per host
// however often this module is loaded.
import type { Client, ClientChannel, ParsedKey } from "ssh2";
import { sh } from "./shell";

export interface Connection {
  host: string;
  port: number;
  user: string;
  /** Pinned host key, "<type> <base64>". A host presenting another key is refused. */
  hostKey: string;
  /**
   * A connection of its own for the steps that name it, not the host's shared one: a new
   * login, e.g. to prove that a new firewall rule set still lets the deploy in.
   */
  separate?: string;
}

/**
 * How the machine running Pulumi logs in. Never a resource input: it would be stored in the
 * state, and it belongs to the operator's machine, not to the host.
 */
export interface SshAuth {
  /** Private key file (absolute, `~` already expanded). */
  privateKeyPath?: string;
  /** Decrypts privateKeyPath when it is passphrase-protected. */
  passphrase?: string;
  /** ssh-agent socket (SSH_AUTH_SOCK). */
  agentSocket?: string;
  /** `openclaw-infra:ssh.agent` is false: no agent even when SSH_AUTH_SOCK is set (said in messages). */
  agentDisabled?: boolean;
}

export interface RemoteResult {
  stdout: string;
  stderr: string;
}

/** Stack config keys the SSH login is read from (by the program at preview and by the provider). */
export const SSH_CONFIG_KEY = "openclaw-infra:ssh";
export const PASSPHRASE_CONFIG_KEY = "openclaw-infra:sshKeyPassphrase";
export const SSH_DEFAULTS = { user: "root", privateKeyPath: "~/.ssh/id_ed25519", agent: true };

/**
 * Scripts one connection runs at once: sshd refuses more than MaxSessions (default 10)
 * channels, and frees a session only some time after the client has seen its channel close.
 * A refused channel open lowers the connection's own limit (a host with a smaller
 * MaxSessions) and is retried after a pause: a refused channel never ran anything.
 */
const MAX_CHANNELS = 8;
/** Pauses before each retry of a refused channel open (ms): about 20 s in all, then the refusal is the error. */
const CHANNEL_RETRY_MS = [
  20, 50, 100, 200, 400, 800, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000,
];
/**
 * A connection unused this long is closed, so an idle pool keeps no process alive (the engine
 * stops the provider at the end of a deployment anyway). Long enough to span the pauses
 * between one host's steps, so a deployment logs in once.
 */
const IDLE_MS = 30_000;

/** Last lines of a command's output, for error messages. */
export function tail(text: string, lines = 30): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/**
 * The login from stack config (`openclaw-infra:ssh` as JSON, secret `openclaw-infra:sshKeyPassphrase`)
 * and the environment (SSH_AUTH_SOCK, HOME). Shapes are validated by the config schema at preview.
 */
export function sshAuthFromConfig(get: (key: string) => string | undefined, env: NodeJS.ProcessEnv = process.env): SshAuth {
  const os = require("os");
  let ssh: { privateKeyPath?: unknown; agent?: unknown } = {};
  try {
    ssh = JSON.parse(get(SSH_CONFIG_KEY) ?? "{}") ?? {};
  } catch {
    // Not JSON: the schema reports it at preview.
  }
  const keyPath = typeof ssh.privateKeyPath === "string" ? ssh.privateKeyPath : SSH_DEFAULTS.privateKeyPath;
  const agent = typeof ssh.agent === "boolean" ? ssh.agent : SSH_DEFAULTS.agent;
  const passphrase = get(PASSPHRASE_CONFIG_KEY);
  return {
    privateKeyPath: keyPath.replace(/^~(?=\/|$)/, env.HOME ?? os.homedir()),
    ...(passphrase ? { passphrase } : {}),
    ...(agent && env.SSH_AUTH_SOCK ? { agentSocket: env.SSH_AUTH_SOCK } : {}),
    ...(agent ? {} : { agentDisabled: true }),
  };
}

/** Why this machine cannot log in with `auth`, in one line naming the config key; undefined when it can. */
export function sshAuthProblem(auth: SshAuth): string | undefined {
  const creds = credentials(auth);
  return typeof creds === "string" ? creds : undefined;
}

/** What ssh2 is given: a decrypted key (parsed once, not again per login) and/or an agent socket. */
interface Credentials {
  key?: ParsedKey;
  agent?: string;
}

/**
 * The key when it can be decrypted, the agent when its socket exists. A key the agent can stand
 * in for (missing, or locked without a passphrase) is left out rather than failing. A string is
 * the reason nothing usable is left.
 */
function credentials(auth: SshAuth): Credentials | string {
  const fs = require("fs");
  const { utils } = require("ssh2");
  const at = `${SSH_CONFIG_KEY}.privateKeyPath`;
  const agent = auth.agentSocket && fs.existsSync(auth.agentSocket) ? auth.agentSocket : undefined;
  const noAgent = auth.agentDisabled
    ? `${SSH_CONFIG_KEY}.agent is false`
    : auth.agentSocket
      ? `no ssh-agent listens at ${auth.agentSocket} (SSH_AUTH_SOCK)`
      : "no ssh-agent is running (SSH_AUTH_SOCK unset)";
  const orAgent = (problem: string): Credentials | string => (agent ? { agent } : `${problem} and ${noAgent}`);

  if (!auth.privateKeyPath) return orAgent(`${at}: no key file is set`);
  let data: Buffer;
  try {
    data = fs.readFileSync(auth.privateKeyPath);
  } catch (err) {
    const { code, message } = err as NodeJS.ErrnoException;
    const why = code === "ENOENT" ? "does not exist" : `is not readable (${code ?? message})`;
    return orAgent(`${at}: ${auth.privateKeyPath} ${why}`);
  }
  const first = (parsed: ParsedKey | ParsedKey[] | Error): ParsedKey | Error => (Array.isArray(parsed) ? parsed[0] : parsed);
  const key = first(utils.parseKey(data));
  if (!(key instanceof Error)) {
    return key.isPrivateKey() ? { key, agent } : orAgent(`${at}: ${auth.privateKeyPath} is a public key, not a private key`);
  }
  if (!/no passphrase given/.test(key.message)) return orAgent(`${at}: ${auth.privateKeyPath} is not a private key (${key.message})`);
  if (!auth.passphrase) {
    return agent
      ? { agent }
      : `${at}: ${auth.privateKeyPath} is passphrase-protected: set ${PASSPHRASE_CONFIG_KEY} (pulumi config set --secret sshKeyPassphrase) or load the key into ssh-agent`;
  }
  const decrypted = first(utils.parseKey(data, auth.passphrase));
  if (decrypted instanceof Error) return `${PASSPHRASE_CONFIG_KEY}: does not decrypt ${auth.privateKeyPath} (wrong passphrase?)`;
  return { key: decrypted, agent };
}

/** One host's shared connection and the scripts waiting for one of its channels. */
interface Pooled {
  /** The connection (or its handshake); unset until first use and after it closed. */
  client?: Promise<Client>;
  active: number;
  /** Channels sshd granted that the client has not yet seen closed. */
  open: number;
  /** Channels this connection may open at once: MAX_CHANNELS until sshd refuses one. */
  limit: number;
  waiting: (() => void)[];
  idle?: ReturnType<typeof setTimeout>;
}

function pool(): Map<string, Pooled> {
  const g = globalThis as { __openclawSshPool?: Map<string, Pooled> };
  return (g.__openclawSshPool ??= new Map());
}

/** Closes every pooled connection (tests, and anything that must not wait for the idle timeout). */
export function closeConnections(): void {
  for (const entry of pool().values()) {
    clearTimeout(entry.idle);
    entry.client?.then(
      (c) => c.end(),
      () => undefined,
    );
    entry.client = undefined;
  }
  pool().clear();
}

/** Waits for a free channel on `entry`'s connection. */
function acquire(entry: Pooled): Promise<void> {
  clearTimeout(entry.idle);
  if (entry.active < entry.limit) {
    entry.active++;
    return Promise.resolve();
  }
  return new Promise((resolve) => entry.waiting.push(() => (entry.active++, resolve())));
}

/** Frees a channel; the last one out starts the idle timer. */
function release(entry: Pooled): void {
  entry.active--;
  if (entry.active < entry.limit) {
    const next = entry.waiting.shift();
    if (next) return next();
  }
  if (entry.active > 0) return;
  entry.idle = setTimeout(() => {
    const client = entry.client;
    entry.client = undefined;
    client?.then(
      (c) => c.end(),
      () => undefined,
    );
  }, IDLE_MS);
  entry.idle.unref();
}

/** The live connection of `entry`, opening one when there is none (first use, or it dropped). */
function connection(entry: Pooled, conn: Connection, auth: SshAuth): Promise<Client> {
  if (!entry.client) {
    const client = connect(conn, auth, () => {
      if (entry.client === client) entry.client = undefined;
    });
    entry.client = client;
    // A failed handshake is not kept: the next script tries again.
    client.catch(() => {
      if (entry.client === client) entry.client = undefined;
    });
  }
  return entry.client;
}

/** Opens and authenticates a connection; rejects with why it could not (without the label). */
function connect(conn: Connection, auth: SshAuth, onClose: () => void): Promise<Client> {
  const { Client } = require("ssh2");
  const where = `cannot reach ${conn.user}@${conn.host}:${conn.port}`;
  const creds = credentials(auth);
  if (typeof creds === "string") return Promise.reject(new Error(`${where}: ${creds}`));
  const pinned = Buffer.from(conn.hostKey.split(" ")[1] ?? "", "base64");

  // Key first, then the agent, each tried once; the key is the decrypted one, not re-parsed.
  const username = conn.user;
  const methods = [
    ...(creds.key ? [{ type: "publickey", username, key: creds.key }] : []),
    ...(creds.agent ? [{ type: "agent", username, agent: creds.agent }] : []),
  ];
  const tried = [...(creds.key ? [`key ${auth.privateKeyPath}`] : []), ...(creds.agent ? [`ssh-agent ${creds.agent}`] : [])].join(", ");

  return new Promise((resolve, reject) => {
    const client = new Client();
    let presented: string | undefined;
    client
      .on("ready", () => resolve(client))
      .on("error", (err: Error) => {
        const why = presented
          ? `the host presented key ${presented}, not the pinned hostKey ${conn.hostKey}`
          : (err as { level?: string }).level === "client-authentication"
            ? `${err.message} (tried ${tried})`
            : err.message;
        reject(new Error(`${where}: ${why}`));
      })
      .on("close", () => {
        onClose();
        reject(new Error(`${where}: the connection closed during the handshake`));
      })
      .connect({
        host: conn.host,
        port: conn.port,
        username,
        authHandler: methods,
        readyTimeout: 20000,
        keepaliveInterval: 10000,
        hostVerifier: (key: Buffer) => {
          if (key.equals(pinned)) return true;
          // SSH wire format: uint32 length, key type name, then the key.
          presented = `${key.subarray(4, 4 + key.readUInt32BE(0)).toString()} ${key.toString("base64")}`;
          return false;
        },
      });
  });
}

/** Why a script did not run to its end: `refused` and `notStarted` mean it never started. */
type ExecError = Error & { refused?: boolean; notStarted?: boolean };

function execOnce(
  client: Client,
  channels: { open: number },
  conn: Connection,
  label: string,
  command: string,
  stdin?: string,
): Promise<RemoteResult> {
  return new Promise((resolve, reject) => {
    const started = (err: Error | undefined, stream: ClientChannel) => {
      // sshd refused the channel (MaxSessions): nothing ran, so it may be asked again.
      const refused = err !== undefined && err.message.startsWith("(SSH) Channel open failure");
      if (err) return reject(Object.assign(new Error(`${label}: ${conn.host}: ${err.message}`), { refused }));
      channels.open++;
      let stdout = "";
      let stderr = "";
      stream
        .on("close", (code: number | null | undefined, signal?: string) => {
          channels.open--;
          if (code === 0) return resolve({ stdout, stderr });
          const why =
            code === undefined
              ? "the connection was lost before it finished; it may have run in part"
              : code === null
                ? `killed by ${signal}`
                : `exit ${code}`;
          reject(new Error(`${label} failed on ${conn.host} (${why}):\n${tail(stderr || stdout)}`));
        })
        .on("data", (d: Buffer) => (stdout += d.toString()))
        .stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      stream.end(stdin ?? "");
    };
    try {
      client.exec(command, started);
    } catch (err) {
      // ssh2 throws "Not connected" before sending anything when the socket is gone: marked
      // as not started, so it is safe to send on a new connection.
      reject(Object.assign(new Error(`${label}: ${conn.host}: ${(err as Error).message}`), { notStarted: true }));
    }
  });
}

export async function runRemote(conn: Connection, auth: SshAuth, label: string, script: string, stdin?: string): Promise<RemoteResult> {
  // bash -c with the script as one argument, quoted so it stays literal.
  const command = `bash -euo pipefail -c ${sh(script)}`;
  // One connection per login: a connection authenticated one way is not reused for another.
  const key = JSON.stringify([conn.host, conn.port, conn.user, conn.hostKey, auth.privateKeyPath, auth.agentSocket, conn.separate]);
  let entry = pool().get(key);
  if (!entry) pool().set(key, (entry = { active: 0, open: 0, limit: MAX_CHANNELS, waiting: [] }));

  // A refused channel ran nothing: its script goes back to the queue after a pause, and the
  // connection keeps to the channels sshd has granted and not yet closed.
  for (let refusals = 0; ; refusals++) {
    await acquire(entry);
    try {
      return await runOnPooled(entry, conn, auth, label, command, stdin);
    } catch (caught) {
      if (!(caught as ExecError).refused || refusals >= CHANNEL_RETRY_MS.length) throw caught;
      entry.limit = Math.max(1, Math.min(entry.limit, entry.open));
    } finally {
      release(entry);
    }
    await new Promise((resolve) => setTimeout(resolve, CHANNEL_RETRY_MS[refusals]));
  }
}

/**
 * Runs the command on the entry's connection. A connection found dead before the script was
 * sent is replaced once; a script that may have started is never sent again.
 */
async function runOnPooled(
  entry: Pooled,
  conn: Connection,
  auth: SshAuth,
  label: string,
  command: string,
  stdin?: string,
): Promise<RemoteResult> {
  for (let replaced = false; ; replaced = true) {
    const pending = connection(entry, conn, auth);
    const client = await pending.catch((err: Error) => {
      throw new Error(`${label}: ${err.message}`);
    });
    try {
      return await execOnce(client, entry, conn, label, command, stdin);
    } catch (caught) {
      if (!(caught as ExecError).notStarted || replaced) throw caught;
      if (entry.client === pending) entry.client = undefined;
    }
  }
}
