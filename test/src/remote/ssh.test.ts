// runRemote against a real SSH server in this process (ssh2's own Server on 127.0.0.1, running
// each command under real sh), with keys made by ssh-keygen and a real ssh-agent: one
// connection per host, the channel cap, host key pinning, agent and passphrase logins, a
// dropped connection replaced, and the one-line reasons a machine cannot log in.
import * as pulumi from "@pulumi/pulumi";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { Connection as ServerSideClient, ParsedKey, Server, utils } from "ssh2";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { loadStackConfig } from "../../../src/config";
import { closeConnections, Connection, runRemote, SshAuth, sshAuthFromConfig, sshAuthProblem } from "../../../src/remote/ssh";
import { ValidationError } from "../../../src/validate";
import { validConfig } from "../../fixtures/config";

const PASSPHRASE = "correct horse battery staple";
let dir: string;
let agentPid: number;
let agentSocket: string;
let server: Server;
let conn: Connection;
/** Server-side counters, reset after each test. */
let connections = 0;
let running = 0;
let maxRunning = 0;
let execs: string[] = [];
const clients: ServerSideClient[] = [];

/** ssh-keygen's ed25519 key pair at dir/name; its public key as "<type> <base64>". */
function keygen(name: string, passphrase = ""): string {
  const file = path.join(dir, name);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", passphrase, "-C", name, "-f", file]);
  return fs.readFileSync(`${file}.pub`, "utf8").split(" ").slice(0, 2).join(" ");
}

/** One public key as ssh2 parses it. */
function parsePublicKey(text: string): ParsedKey {
  const key = utils.parseKey(text);
  if (key instanceof Error) throw key;
  return key;
}

/** Runs each exec under sh like sshd does, capping sessions per connection like MaxSessions 10. */
function startServer(hostKey: Buffer, authorized: string[]): Promise<number> {
  const keys = authorized.map(parsePublicKey);
  server = new Server({ hostKeys: [hostKey] }, (client) => {
    connections++;
    clients.push(client);
    let sessions = 0;
    client.on("error", () => undefined);
    client.on("authentication", (ctx) => {
      if (ctx.method !== "publickey") return ctx.reject(["publickey"]);
      const key = keys.find((k) => k.type === ctx.key.algo && k.getPublicSSH().equals(ctx.key.data));
      // A signature always comes with the data it signs (blob); without one the client only asks whether the key would do.
      if (!key || (ctx.signature && (!ctx.blob || key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true))) return ctx.reject();
      ctx.accept();
    });
    client.on("session", (accept, reject) => {
      if (sessions >= 10) return reject();
      sessions++;
      const session = accept();
      session.on("close", () => sessions--);
      session.on("exec", (acceptExec, _reject, info) => {
        const stream = acceptExec();
        execs.push(info.command);
        maxRunning = Math.max(maxRunning, ++running);
        const child = spawn("sh", ["-c", info.command]);
        stream.on("error", () => undefined);
        child.stdin.on("error", () => undefined);
        stream.pipe(child.stdin);
        child.stdout.on("data", (d) => stream.writable && stream.write(d));
        child.stderr.on("data", (d) => stream.writable && stream.stderr.write(d));
        child.on("close", (code) => {
          running--;
          if (!stream.writable) return;
          stream.exit(code ?? 1);
          stream.end();
        });
      });
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssh-test-"));
  const hostPub = keygen("host");
  const authorized = [keygen("plain"), keygen("locked", PASSPHRASE), keygen("agentonly")];
  agentSocket = path.join(dir, "agent.sock");
  const out = execFileSync("ssh-agent", ["-s", "-a", agentSocket], { encoding: "utf8" });
  const pid = /SSH_AGENT_PID=(\d+)/.exec(out);
  if (!pid) throw new Error(`ssh-agent -s printed no SSH_AGENT_PID:\n${out}`);
  agentPid = Number(pid[1]);
  execFileSync("ssh-add", ["-q", path.join(dir, "agentonly")], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket }, stdio: "ignore" });
  // The agent holds the key: its file is gone, as on a machine where only the agent has it.
  fs.rmSync(path.join(dir, "agentonly"));
  const port = await startServer(fs.readFileSync(path.join(dir, "host")), authorized);
  conn = { host: "127.0.0.1", port, user: "deploy", hostKey: hostPub };
});

afterEach(() => {
  closeConnections();
  connections = maxRunning = 0;
  execs = [];
  clients.length = 0;
});

afterAll(() => {
  server?.close();
  if (agentPid) process.kill(agentPid);
  fs.rmSync(dir, { recursive: true, force: true });
});

const plain = (): SshAuth => ({ privateKeyPath: path.join(dir, "plain") });
/** Resolves once `cond` holds (polled), so tests wait for events, not for guessed delays. */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
}
/** Whether the pool (kept on globalThis, see src/remote/ssh.ts) still holds an open connection. */
const pooled = () => {
  const pool = (globalThis as { __openclawSshPool?: Map<string, { client?: unknown }> }).__openclawSshPool;
  return [...(pool?.values() ?? [])].some((e) => e.client);
};

describe("runRemote: one connection per host", () => {
  it("runs concurrent scripts over one TCP connection, each with its own stdout, stdin and exit code", async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => runRemote(conn, plain(), `step ${i}`, `read -r x; echo "$x-${i}"; echo warn >&2`, `in\n`)),
    );
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 6 }, (_, i) => `in-${i}\n`));
    expect(results.every((r) => r.stderr === "warn\n")).toBe(true);
    await expect(runRemote(conn, plain(), "fails", "echo boom >&2; exit 3")).rejects.toThrow("fails failed on 127.0.0.1 (exit 3):\nboom");
    expect(connections).toBe(1);
  });

  it("queues scripts beyond the channel cap instead of exceeding the server's MaxSessions", async () => {
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => runRemote(conn, plain(), `step ${i}`, `sleep 0.2; echo ${i}`)));
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
    expect(maxRunning).toBe(8);
    expect(connections).toBe(1);
  });

  it("replaces a connection the host dropped, on the next script", async () => {
    await runRemote(conn, plain(), "first", "true");
    clients[0].end();
    await until(() => !pooled());
    expect((await runRemote(conn, plain(), "second", "echo again")).stdout).toBe("again\n");
    expect(connections).toBe(2);
  });

  it("never sends again a script that was running when the connection was lost", async () => {
    const lost = runRemote(conn, plain(), "long step", "sleep 2");
    await until(() => running > 0);
    clients[0].end();
    await expect(lost).rejects.toThrow(
      "long step failed on 127.0.0.1 (the connection was lost before it finished; it may have run in part)",
    );
    expect(execs.filter((c) => c.includes("sleep 2"))).toHaveLength(1);
  });

  it("refuses a host presenting another key than the pinned one, naming both", async () => {
    const other = keygen("other-host");
    await expect(runRemote({ ...conn, hostKey: other }, plain(), "probe", "true")).rejects.toThrow(
      `probe: cannot reach deploy@127.0.0.1:${conn.port}: the host presented key ${conn.hostKey}, not the pinned hostKey ${other}`,
    );
    fs.rmSync(path.join(dir, "other-host"));
  });
});

describe("runRemote: logins", () => {
  it("logs in with a key held only by ssh-agent", async () => {
    const auth: SshAuth = { privateKeyPath: path.join(dir, "agentonly"), agentSocket };
    expect(sshAuthProblem(auth)).toBeUndefined();
    expect((await runRemote(conn, auth, "whoami", "echo ok")).stdout).toBe("ok\n");
  });

  it("logs in with a passphrase-protected key and its passphrase", async () => {
    const auth: SshAuth = { privateKeyPath: path.join(dir, "locked"), passphrase: PASSPHRASE };
    expect(sshAuthProblem(auth)).toBeUndefined();
    expect((await runRemote(conn, auth, "whoami", "echo ok")).stdout).toBe("ok\n");
  });

  it("says why a locked key cannot be used, before connecting", async () => {
    const locked = path.join(dir, "locked");
    const noPassphrase = `openclaw-infra:ssh.privateKeyPath: ${locked} is passphrase-protected: set openclaw-infra:sshKeyPassphrase (pulumi config set --secret sshKeyPassphrase) or load the key into ssh-agent`;
    expect(sshAuthProblem({ privateKeyPath: locked })).toBe(noPassphrase);
    expect(sshAuthProblem({ privateKeyPath: locked, passphrase: "wrong" })).toBe(
      `openclaw-infra:sshKeyPassphrase: does not decrypt ${locked} (wrong passphrase?)`,
    );
    await expect(runRemote(conn, { privateKeyPath: locked }, "probe", "true")).rejects.toThrow(
      `probe: cannot reach deploy@127.0.0.1:${conn.port}: ${noPassphrase}`,
    );
    expect(connections).toBe(0);
  });

  it("names what is missing when neither a key file nor an agent can log in", () => {
    const missing = path.join(dir, "nope");
    expect(sshAuthProblem({ privateKeyPath: missing })).toBe(
      `openclaw-infra:ssh.privateKeyPath: ${missing} does not exist and no ssh-agent is running (SSH_AUTH_SOCK unset)`,
    );
    expect(sshAuthProblem({ privateKeyPath: missing, agentSocket: `${dir}/gone.sock` })).toBe(
      `openclaw-infra:ssh.privateKeyPath: ${missing} does not exist and no ssh-agent listens at ${dir}/gone.sock (SSH_AUTH_SOCK)`,
    );
    expect(sshAuthProblem({ privateKeyPath: dir })).toBe(
      `openclaw-infra:ssh.privateKeyPath: ${dir} is not readable (EISDIR) and no ssh-agent is running (SSH_AUTH_SOCK unset)`,
    );
    expect(sshAuthProblem({ privateKeyPath: `${dir}/plain.pub` })).toBe(
      `openclaw-infra:ssh.privateKeyPath: ${dir}/plain.pub is a public key, not a private key and no ssh-agent is running (SSH_AUTH_SOCK unset)`,
    );
    fs.writeFileSync(`${dir}/notes.txt`, "hello\n");
    expect(sshAuthProblem({ privateKeyPath: `${dir}/notes.txt` })).toBe(
      `openclaw-infra:ssh.privateKeyPath: ${dir}/notes.txt is not a private key (Unsupported key format) and no ssh-agent is running (SSH_AUTH_SOCK unset)`,
    );
  });
});

describe("sshAuthFromConfig", () => {
  const config = (values: Record<string, string>) => (key: string) => values[key];
  const env = { HOME: "/home/op", SSH_AUTH_SOCK: "/run/agent.sock" };

  it("defaults to ~/.ssh/id_ed25519 and the agent of SSH_AUTH_SOCK", () => {
    expect(sshAuthFromConfig(config({}), env)).toEqual({ privateKeyPath: "/home/op/.ssh/id_ed25519", agentSocket: "/run/agent.sock" });
  });
  it("reads the key path, the passphrase secret and agent: false", () => {
    const get = config({
      "openclaw-infra:ssh": JSON.stringify({ user: "admin", privateKeyPath: "~/keys/deploy", agent: false }),
      "openclaw-infra:sshKeyPassphrase": "pw",
    });
    expect(sshAuthFromConfig(get, env)).toEqual({ privateKeyPath: "/home/op/keys/deploy", passphrase: "pw", agentDisabled: true });
  });
  it("uses no agent when SSH_AUTH_SOCK is unset", () => {
    expect(sshAuthFromConfig(config({ "openclaw-infra:ssh": JSON.stringify({ privateKeyPath: "/k" }) }), { HOME: "/h" })).toEqual({
      privateKeyPath: "/k",
    });
  });
});

describe("loadStackConfig: the SSH login is checked at preview", () => {
  /** Stack config as the engine gives it to the program: structured values as JSON text. */
  function load(ssh: Record<string, unknown>, secrets: Record<string, string> = {}): string {
    const raw: Record<string, string> = { gatewayToken: "t".repeat(32), resticPassword: "r".repeat(32), ...secrets };
    for (const [k, v] of Object.entries({ ...validConfig(), ssh })) raw[k] = typeof v === "string" ? v : JSON.stringify(v);
    pulumi.runtime.setAllConfig(
      Object.fromEntries(Object.entries(raw).map(([k, v]) => [`openclaw-infra:${k}`, v])),
      Object.keys(secrets)
        .map((k) => `openclaw-infra:${k}`)
        .concat("openclaw-infra:gatewayToken", "openclaw-infra:resticPassword"),
    );
    try {
      loadStackConfig();
      return "ok";
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      expect(err.problems).toHaveLength(1);
      return err.message;
    }
  }
  afterEach(() => vi.unstubAllEnvs());

  it("passes with a readable key, or with the agent alone", () => {
    vi.stubEnv("SSH_AUTH_SOCK", "");
    expect(load({ privateKeyPath: path.join(dir, "plain") })).toBe("ok");
    vi.stubEnv("SSH_AUTH_SOCK", agentSocket);
    expect(load({ privateKeyPath: path.join(dir, "agentonly") })).toBe("ok");
  });
  it("fails in one line naming the key file", () => {
    vi.stubEnv("SSH_AUTH_SOCK", "");
    vi.stubEnv("HOME", dir);
    expect(load({})).toBe(
      `openclaw-infra:ssh.privateKeyPath: ${dir}/.ssh/id_ed25519 does not exist and no ssh-agent is running (SSH_AUTH_SOCK unset)`,
    );
  });
  it("does not use the agent with agent: false", () => {
    vi.stubEnv("SSH_AUTH_SOCK", agentSocket);
    const key = path.join(dir, "agentonly");
    expect(load({ privateKeyPath: key, agent: false })).toBe(
      `openclaw-infra:ssh.privateKeyPath: ${key} does not exist and openclaw-infra:ssh.agent is false`,
    );
  });
  it("fails in one line naming the passphrase secret", () => {
    vi.stubEnv("SSH_AUTH_SOCK", "");
    const key = path.join(dir, "locked");
    expect(load({ privateKeyPath: key }, { sshKeyPassphrase: "wrong" })).toBe(
      `openclaw-infra:sshKeyPassphrase: does not decrypt ${key} (wrong passphrase?)`,
    );
    expect(load({ privateKeyPath: key }, { sshKeyPassphrase: PASSPHRASE })).toBe("ok");
  });
});
