// The health wait's script, with and without basic auth, run for real by bash against a local
// HTTP server that asks for basic auth (as Prometheus and Alertmanager do with their web
// config), with stand-ins for systemctl (its SubState as the test sets it) and journalctl and a
// curl that logs its arguments before it runs the real one.
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthWaitScript, HttpHealthCheck } from "../../../src/remote/health";

// Every character curl's config quoting treats specially, and the shell's.
const PASSWORD = `pa"ss\\word$(id)'x`;

let dir: string;
let server: http.Server;
let url: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "health-"));
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  const realCurl = spawnSync("bash", ["-c", "command -v curl"], { encoding: "utf8" }).stdout.trim();
  const write = (name: string, lines: string[]) =>
    fs.writeFileSync(path.join(bin, name), ["#!/bin/bash", ...lines, ""].join("\n"), { mode: 0o755 });
  write("curl", [`printf '%s\\n' "$*" >> ${JSON.stringify(path.join(dir, "curl-args"))}`, `exec ${realCurl} "$@"`]);
  // SubState: "running", or one line per call from the file `substates` while it has lines.
  const substates = JSON.stringify(path.join(dir, "substates"));
  write("systemctl", [`if [ -s ${substates} ]; then head -1 ${substates}; sed -i 1d ${substates}; else echo running; fi`]);
  write("journalctl", ['echo "the journal of $2"']);
  fs.writeFileSync(path.join(dir, "password"), `${PASSWORD}\n`);
  fs.writeFileSync(path.join(dir, "wrong"), "not-the-password\n");

  const expected = `Basic ${Buffer.from(`operator:${PASSWORD}`).toString("base64")}`;
  server = http.createServer((req, res) => {
    if (req.headers.authorization === expected) res.end("Prometheus Server is Ready.\n");
    else res.writeHead(401, { "WWW-Authenticate": "Basic" }).end("Unauthorized\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/-/ready`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the script as the SSH runner does, the stand-ins first on PATH; async, so the server in this process answers. */
function run(script: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-euo", "pipefail", "-c", script], { env: { ...process.env, PATH: `${dir}/bin:${process.env.PATH}` } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

const check = (passwordFile?: string): HttpHealthCheck => ({
  url,
  expect: "Ready",
  unit: "prometheus.service",
  timeoutSeconds: 1,
  ...(passwordFile ? { basicAuth: { user: "operator", passwordFile: path.join(dir, passwordFile) } } : {}),
});

describe("healthWaitScript", () => {
  it("without basic auth, curl gets the URL alone", () => {
    const script = healthWaitScript(check());
    expect(script).toContain(`if body=$(curl -fsS --max-time 2 '${url}' 2>/dev/null) && grep -Eq 'Ready' <<<"$body"; then`);
    expect(script).not.toContain("-K -");
  });

  it("with basic auth, the credentials go to curl as a config on its stdin, read from the file", () => {
    expect(healthWaitScript(check("password"))).toContain(
      `if body=$(printf 'user = "%s:%s"\\n' 'operator' "$(sed 's/[\\\\"]/\\\\&/g' '${dir}/password')" | curl -fsS --max-time 2 -K - '${url}' 2>/dev/null)`,
    );
  });

  it("is healthy with the right password, which never appears in curl's arguments", async () => {
    fs.rmSync(path.join(dir, "curl-args"), { force: true });
    const r = await run(healthWaitScript(check("password")));
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("healthy after 1s: Prometheus Server is Ready.\n");
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, "curl-args"), "utf8")).toBe(`-fsS --max-time 2 -K - ${url}\n`);
  });

  it("fails with the journal when the server refuses the password, or when none is sent", async () => {
    for (const r of [await run(healthWaitScript(check("wrong"))), await run(healthWaitScript(check()))]) {
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `prometheus.service is not healthy at ${url} after 1s; last journal lines:\nthe journal of prometheus.service\n`,
      );
    }
  });

  it("fails at the third exit of a unit systemd restarts (auto-restart), long before its timeout", async () => {
    // Never healthy (no password sent); systemd's view, one poll a second: an exit, its restart,
    // and again. A unit seen waiting to restart twice in a row exited once.
    const states = ["activating", "auto-restart", "auto-restart", "activating", "running", "auto-restart", "activating", "auto-restart"];
    fs.writeFileSync(path.join(dir, "substates"), states.join("\n") + "\n");
    const r = await run(healthWaitScript({ ...check(), timeoutSeconds: 60 }));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `prometheus.service is not healthy at ${url} after 8s (exited 3 times); last journal lines:\nthe journal of prometheus.service\n`,
    );
  });

  it("fails at once when the unit failed (its start limit hit, or no Restart=)", async () => {
    fs.writeFileSync(path.join(dir, "substates"), "activating\nfailed\n");
    const r = await run(healthWaitScript({ ...check(), timeoutSeconds: 60 }));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`prometheus.service is not healthy at ${url} after 2s; last journal lines:\nthe journal of prometheus.service\n`);
  });
});
