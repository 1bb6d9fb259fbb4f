// Commands against the sandbox from this machine: `sandbox/sandbox` itself, and shell commands
// on its hosts as root (over the sandbox's ssh). Used by the drill and the integration tests.
import { spawnSync } from "child_process";
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
