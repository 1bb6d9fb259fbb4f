// SSH access from one host of the topology to another, for a backup tool's repository:
// - clientKey: a key pair made on the client host; the private key never leaves it, and the
//   step's result is its public key line.
// - knownHostsLine: the client's known_hosts line pinning the repository host's key (the
//   topology's hostKey), so the backup tool never trusts a key on first use.
// - sftpAccount: on the repository host, an account that may only speak SFTP (a forced
//   sftp-server), with the client's public key and a repository directory only it can write.
//   Its authorized_keys is root's, so the account cannot change who may log in.
// - repositoryClient: the three, wired, as each backup tool uses them.
// A wiped client makes a new key on the next `up --refresh`; the account then takes the new key.
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { RemoteCommand } from "./command";
import { remoteFile } from "./file";
import { Connection } from "./ssh";
import { script, sh } from "./shell";

export interface ClientKeyArgs {
  connection: pulumi.Input<Connection>;
  /** Private key path; the public key is `<path>.pub`. */
  path: string;
  /** System user that reads the key (the backup tool's). */
  owner: string;
  /** Comment in the public key, e.g. "pgbackrest@vps2". */
  comment: string;
}

export function clientKey(name: string, args: ClientKeyArgs, opts?: pulumi.CustomResourceOptions): RemoteCommand {
  const key = sh(args.path);
  return new RemoteCommand(
    name,
    {
      connection: args.connection,
      label: `ssh key ${args.path}`,
      create: script(
        `install -d -m 0750 -o root -g "$(id -gn ${sh(args.owner)})" "$(dirname ${key})"`,
        `if [ -s ${key} ] && [ -s ${key}.pub ]; then echo "key ${args.path} exists" >&2; else`,
        `  rm -f ${key} ${key}.pub`,
        `  ssh-keygen -q -t ed25519 -N '' -C ${sh(args.comment)} -f ${key}`,
        `  echo "made key ${args.path}" >&2`,
        `fi`,
        `chown ${sh(args.owner)}: ${key} ${key}.pub && chmod 0600 ${key} && chmod 0644 ${key}.pub`,
        `cat ${key}.pub`,
      ),
      delete: script(`rm -f ${key} ${key}.pub`),
      check: script(`if [ -s ${key} ] && [ -s ${key}.pub ]; then stat -c 'key=%a %U' ${key}; else echo key=missing; fi`),
      observed: `key=600 ${args.owner}`,
      captureResult: true,
    },
    opts,
  );
}

/** The repository host as the client reaches it: its private address, SSH port and pinned key. */
export interface RepositoryEndpoint {
  address: string;
  sshPort: number;
  hostKey: string;
}

/** known_hosts line pinning `to`'s key (the topology's hostKey), in ssh's own notation for a port other than 22. */
export function knownHostsLine(to: RepositoryEndpoint): string {
  const host = to.sshPort === 22 ? to.address : `[${to.address}]:${to.sshPort}`;
  return `${host} ${to.hostKey}\n`;
}

export interface SftpAccountArgs {
  /** The repository host. */
  connection: pulumi.Input<Connection>;
  user: string;
  /** The account's home: root-owned, holding .ssh and the repository directory. */
  home: string;
  /** Directory under home the client writes to. */
  repository: string;
  /** The client's public key line (clientKey's result). */
  publicKey: pulumi.Input<string>;
}

/** The line in authorized_keys: no shell, no forwarding, only sftp-server. */
export function authorizedLine(publicKey: string): string {
  const key = publicKey.trim().split(/\s+/).slice(0, 3).join(" ");
  if (!/^ssh-ed25519 [A-Za-z0-9+/=]+( \S+)?$/.test(key))
    throw new Error(`sftp account: '${key.slice(0, 40)}' is not an ed25519 public key line`);
  return `restrict,command="/usr/lib/openssh/sftp-server" ${key}`;
}

export function sftpAccount(name: string, args: SftpAccountArgs, opts?: pulumi.CustomResourceOptions): RemoteCommand {
  const user = sh(args.user);
  const home = sh(args.home);
  const repo = sh(`${args.home}/${args.repository}`);
  const keys = sh(`${args.home}/.ssh/authorized_keys`);
  const line = pulumi.output(args.publicKey).apply(authorizedLine);
  return new RemoteCommand(
    name,
    {
      connection: args.connection,
      label: `sftp account ${args.user} (${args.home}/${args.repository})`,
      // A forced command runs through the login shell, so the shell is /bin/sh, not nologin.
      create: script(
        `if id -u ${user} >/dev/null 2>&1; then echo "user ${args.user} exists"; else`,
        `  useradd --system --user-group --home-dir ${home} --no-create-home --shell /bin/sh ${user} && passwd -l ${user} >/dev/null`,
        `  echo "created user ${args.user}"`,
        `fi`,
        `install -d -m 0755 -o root -g root ${home} ${sh(`${args.home}/.ssh`)}`,
        `install -d -m 0700 -o ${user} -g ${user} ${repo}`,
        `IFS= read -r line || [ -n "$line" ]`,
        `printf '%s\\n' "$line" > ${keys}.new && chmod 0644 ${keys}.new && mv ${keys}.new ${keys}`,
        `echo "authorized ${args.user}: $(printf '%s' "$line" | awk '{print $NF}')"`,
      ),
      stdin: line,
      // The repository stays: it holds the other host's backups.
      delete: script(`rm -f ${keys}`, `echo "removed the key of ${args.user}; kept ${args.home}/${args.repository}"`),
      check: script(
        `if id -u ${user} >/dev/null 2>&1; then echo user=present; else echo user=missing; fi`,
        `if [ -d ${repo} ]; then stat -c 'repository=%a %U' ${repo}; else echo repository=missing; fi`,
        `if [ -f ${keys} ]; then echo "key=$(sha256sum < ${keys} | cut -c1-16)"; else echo key=missing; fi`,
      ),
      observed: line.apply((l) => `user=present\nrepository=700 ${args.user}\nkey=${sha256(l + "\n").slice(0, 16)}`),
    },
    opts,
  );
}

function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

export interface RepositoryClientArgs {
  /** The client host (the one whose data is backed up). */
  connection: pulumi.Input<Connection>;
  /** The repository host, as the operator's machine reaches it: its account is made there. */
  repositoryConnection: pulumi.Input<Connection>;
  /** Where the client reaches the repository host, and its pinned key. */
  repository: RepositoryEndpoint;
  /** The client's key pair. */
  key: Omit<ClientKeyArgs, "connection">;
  /** The client's known_hosts file: root's, readable by `group` when given (mode 0640), else by all (0644). */
  knownHosts: { path: string; group?: string };
  /** The SFTP-only account on the repository host. */
  account: Omit<SftpAccountArgs, "connection" | "publicKey">;
  /** What the key step waits for (e.g. the package that makes its owner). */
  after?: pulumi.Resource[];
}

/** A backup tool's way to its repository on another host: the three steps above, wired; the two a restore waits for. */
export interface RepositoryClient {
  account: RemoteCommand;
  knownHosts: RemoteCommand;
}

/** Steps `<name>-key`, `<name>-repository` (on the repository host) and `<name>-known-hosts`. */
export function repositoryClient(name: string, args: RepositoryClientArgs, parent: pulumi.Resource): RepositoryClient {
  const key = clientKey(`${name}-key`, { connection: args.connection, ...args.key }, { parent, dependsOn: args.after ?? [] });
  const account = sftpAccount(
    `${name}-repository`,
    { connection: args.repositoryConnection, ...args.account, publicKey: key.result.apply((r) => r ?? "") },
    { parent },
  );
  const { path, group } = args.knownHosts;
  const knownHosts = remoteFile(
    `${name}-known-hosts`,
    {
      connection: args.connection,
      path,
      content: knownHostsLine(args.repository),
      owner: "root",
      group: group ?? "root",
      mode: group ? "0640" : "0644",
    },
    { parent, dependsOn: [key] },
  );
  return { account, knownHosts };
}
