// Commands against the sandbox from this machine: `sandbox/sandbox` itself, and shell commands
// on its hosts as root (over the sandbox's ssh). Used by the drill and the integration tests.
import { spawn, spawnSync } from "child_process";
import * as net from "net";
import * as path from "path";

const SANDBOX = path.join(__dirname, "sandbox");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

export function run(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Run {
  const start = Date.now();
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 << 20, ...opts });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, seconds: (Date.now() - start) / 1000 };
}

/** Runs a command on a sandbox host as root. Never put a secret in `command`: pass it as input. */
export function onHost(host: string, command: string, input?: string): Run {
  return run(SANDBOX, ["ssh", host, command], { input });
}

/** onHost that must succeed: its stdout, else an error naming `what` with the output's tail. */
export function mustOnHost(host: string, command: string, what: string = command): string {
  const r = onHost(host, command);
  if (r.code !== 0) throw new Error(`${host}: ${what} failed (${r.code}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  return r.stdout;
}

/** `sandbox/sandbox <args>`, which must succeed. */
export function sandbox(...args: string[]): Run {
  const r = run(SANDBOX, args);
  if (r.code !== 0) throw new Error(`sandbox ${args.join(" ")} failed:\n${r.stderr}${r.stdout}`);
  return r;
}

/** A TCP port free on `address` now, for a server or tunnel started next. */
export async function freePort(address = "127.0.0.1"): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, address, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether 127.0.0.1:`port` accepts a connection. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * `sandbox tunnel`: an SSH tunnel from 127.0.0.1 here to `address:port` as `host` reaches it,
 * the operator's way to a listener the firewall keeps private. Its base URL once it accepts.
 */
export async function openTunnel(host: string, address: string, port: number): Promise<{ url: string; close: () => void }> {
  const local = await freePort();
  const child = spawn(SANDBOX, ["tunnel", host, String(local), `${address}:${port}`], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const close = () => void child.kill();
  process.once("exit", close);
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    if (await accepts(local)) return { url: `http://127.0.0.1:${local}`, close };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  close();
  throw new Error(`sandbox tunnel ${host} ${local} ${address}:${port} did not open: ${stderr.trim() || "no answer in 10 s"}`);
}
