// runRemote against OpenSSH's own sshd (scripts/sshd-tools.sh installs it, not started): the
// pool's channel count against sshd's MaxSessions bookkeeping, which frees a session only
// after its channel is closed on both sides and collected, later than the client sees it end.
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { accepts, freePort } from "../../../sandbox/host";
import { closeConnections, Connection, runRemote, SshAuth } from "../../../src/remote/ssh";

const SSHD = "/usr/sbin/sshd";
let dir: string;
let auth: SshAuth;
const daemons: { process: ChildProcess; log: () => string }[] = [];

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
async function listening(port: number, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await accepts(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on 127.0.0.1:${port}:\n${log()}`);
}

/** Starts sshd on 127.0.0.1 with `maxSessions`, letting in this user with the test's key. */
async function startSshd(maxSessions: number): Promise<{ conn: Connection; log: () => string }> {
  const port = await freePort();
  const user = os.userInfo().username;
  const config = path.join(dir, `sshd_config.${port}`);
  fs.writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1`,
      `Port ${port}`,
      `HostKey ${dir}/host`,
      `AuthorizedKeysFile ${dir}/authorized_keys`,
      `PidFile none`,
      `StrictModes no`,
      `UsePAM no`,
      `PasswordAuthentication no`,
      `KbdInteractiveAuthentication no`,
      `PermitRootLogin prohibit-password`,
      `AllowUsers ${user}`,
      `MaxSessions ${maxSessions}`,
      `LogLevel ERROR`,
    ].join("\n") + "\n",
  );
  let text = "";
  const child = spawn(SSHD, ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr?.on("data", (d: Buffer) => (text += d.toString()));
  const log = () => text;
  daemons.push({ process: child, log });
  await listening(port, log);
  const hostKey = fs.readFileSync(path.join(dir, "host.pub"), "utf8").split(" ").slice(0, 2).join(" ");
  return { conn: { host: "127.0.0.1", port, user, hostKey }, log };
}

beforeAll(() => {
  if (!fs.existsSync(SSHD)) throw new Error(`${SSHD} is missing: run scripts/sshd-tools.sh (npm test and npm run test:unit run it)`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sshd-test-"));
  const keygen = (name: string) => execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path.join(dir, name)]);
  keygen("host");
  keygen("client");
  fs.copyFileSync(path.join(dir, "client.pub"), path.join(dir, "authorized_keys"));
  auth = { privateKeyPath: path.join(dir, "client") };
});

afterEach(() => closeConnections());

afterAll(() => {
  for (const d of daemons) d.process.kill();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("runRemote against OpenSSH's sshd", () => {
  // sshd frees a session after the client saw its channel close: with the pool's 8 channels
  // and MaxSessions 8, every script after the eighth was refused before the pool retried.
  it.each([10, 8])(
    "runs 200 short concurrent scripts through one pooled connection (MaxSessions %i)",
    async (maxSessions) => {
      const { conn } = await startSshd(maxSessions);
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => runRemote(conn, auth, `step ${i}`, `cat; echo " ${i}"`, `in`)),
      );
      expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 200 }, (_, i) => `in ${i}\n`));
    },
    120_000,
  );

  it("learns a MaxSessions below its own limit and runs every script", async () => {
    const { conn } = await startSshd(3);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => runRemote(conn, auth, `step ${i}`, `echo ${i}`)));
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));
  }, 120_000);
});
