import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parseVersions, readSandbox, readVersions } from "../../sandbox/contract";
import { HOST_KEY_2, SANDBOX_CONTRACT } from "../fixtures/config";

const HOSTS_JSON = SANDBOX_CONTRACT;

function withHostsJson(content: unknown, run: (file: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "contract-"));
  try {
    fs.writeFileSync(path.join(dir, "hosts.json"), JSON.stringify(content));
    run(path.join(dir, "hosts.json"));
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
}

describe("the sandbox contract", () => {
  it("reads every version and the hosts from versions.env, the file sandbox/sandbox sources", () => {
    const v = readVersions();
    expect(Object.keys(v)).toEqual([
      "node",
      "nodeHost",
      "npm",
      "corepack",
      "verdaccio",
      "promtail",
      "loki",
      "tempo",
      "otelcol",
      "openclaw",
      "hosts",
    ]);
    expect(v.hosts).toEqual({ vps1: "10.231.0.11", vps2: "10.231.0.12" });
  });

  it("refuses a versions file with a missing or malformed line, naming it", () => {
    expect(() => parseVersions("NODE_VERSION=22\n", "versions.env")).toThrow("versions.env: NODE_VERSION: must be a version like 1.2.3");
  });

  it("reads hosts.json (publish.test.ts reads the writer's own)", () => {
    withHostsJson(HOSTS_JSON, (file) => expect(readSandbox(file).contract.hosts.vps2.address).toBe("10.231.0.12"));
  });

  it("says what to run when hosts.json is missing, malformed, or from other hosts than versions.env", () => {
    expect(() => readSandbox("/nonexistent/hosts.json")).toThrow(
      "the sandbox is not up (/nonexistent/hosts.json missing): run `npm run sandbox -- up` first",
    );
    withHostsJson({ ...HOSTS_JSON, npmRegistry: "nope" }, (file) =>
      expect(() => readSandbox(file)).toThrow(`${file}: npmRegistry: Invalid URL`),
    );
    const moved = { ...HOSTS_JSON, hosts: { ...HOSTS_JSON.hosts, vps2: { address: "10.231.0.13", hostKey: HOST_KEY_2 } } };
    withHostsJson(moved, (file) =>
      expect(() => readSandbox(file)).toThrow(
        /has hosts vps1=10.231.0.11,vps2=10.231.0.13 but .* declares vps1=10.231.0.11,vps2=10.231.0.12/,
      ),
    );
  });
});
