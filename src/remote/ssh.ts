// Runs one bash script on a host over SSH. The script travels as the command; a payload
// (file content, secrets) travels only on stdin, so no secret is ever in a command line.
//
// This module is serialized into the dynamic provider, so it requires its dependencies inside
// the functions that use them instead of importing them at the top.

export interface Connection {
  host: string;
  port: number;
  user: string;
  /** Path of the private key on the machine that runs Pulumi. */
  privateKeyPath: string;
  /** Pinned host key, "<type> <base64>". A host presenting another key is refused. */
  hostKey: string;
}

export interface RemoteResult {
  stdout: string;
  stderr: string;
}

/** Last lines of a command's output, for error messages. */
export function tail(text: string, lines = 30): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

export function runRemote(conn: Connection, label: string, script: string, stdin?: string): Promise<RemoteResult> {
  const { Client } = require("ssh2");
  const fs = require("fs");
  const os = require("os");
  const keyPath = conn.privateKeyPath.replace(/^~(?=\/)/, os.homedir());
  const pinned = Buffer.from(conn.hostKey.split(" ")[1] ?? "", "base64");
  // bash -c with the script as one argument: quoting with single quotes keeps it literal.
  const command = `bash -euo pipefail -c '${script.replace(/'/g, `'\\''`)}'`;

  return new Promise((resolve, reject) => {
    const client = new Client();
    let presented: string | undefined;
    let stdout = "";
    let stderr = "";
    const fail = (err: Error) => {
      client.end();
      reject(err);
    };
    client
      .on("ready", () => {
        client.exec(command, (err: Error | undefined, stream: any) => {
          if (err) return fail(new Error(`${label}: ${conn.host}: ${err.message}`));
          stream
            .on("close", (code: number | null, signal?: string) => {
              client.end();
              if (code === 0) return resolve({ stdout, stderr });
              const why = code === null ? `killed by ${signal}` : `exit ${code}`;
              reject(new Error(`${label} failed on ${conn.host} (${why}):\n${tail(stderr || stdout)}`));
            })
            .on("data", (d: Buffer) => (stdout += d.toString()))
            .stderr.on("data", (d: Buffer) => (stderr += d.toString()));
          stream.end(stdin ?? "");
        });
      })
      .on("error", (err: Error) => {
        const why = presented
          ? `the host presented key ${presented}, not the pinned hostKey ${conn.hostKey}`
          : err.message;
        fail(new Error(`${label}: cannot reach ${conn.user}@${conn.host}:${conn.port}: ${why}`));
      })
      .connect({
        host: conn.host,
        port: conn.port,
        username: conn.user,
        privateKey: fs.readFileSync(keyPath),
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
