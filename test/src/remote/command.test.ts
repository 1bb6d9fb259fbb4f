import * as pulumi from "@pulumi/pulumi";
import { spawnSync } from "child_process";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { changedKeys, planChange, RemoteCommand, remoteCommandProvider } from "../../../src/remote/command";

const REPO = path.resolve(__dirname, "../../..");

const conn = { host: "10.0.0.1", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA" };
const base = { connection: conn, label: "write /etc/x", create: "cat > /etc/x", stdin: "v1", triggers: ["a"] };

describe("RemoteCommand change detection", () => {
  it("sees nothing when nothing changed, so no SSH session is opened", () => {
    expect(changedKeys(base, { ...base, connection: { ...conn }, triggers: ["a"] })).toEqual([]);
  });
  it("sees a content change as an update of stdin", () => {
    expect(changedKeys(base, { ...base, stdin: "v2" })).toEqual(["stdin"]);
  });
  it("sees a trigger change", () => {
    expect(changedKeys(base, { ...base, triggers: ["b"] })).toEqual(["triggers"]);
  });
  it("sees a host change in the connection", () => {
    expect(changedKeys(base, { ...base, connection: { ...conn, host: "10.0.0.9" } })).toEqual(["connection"]);
  });
  it("treats a missing optional input like an absent one", () => {
    const { triggers: _t, ...noTriggers } = base;
    expect(changedKeys({ ...noTriggers, delete: undefined }, noTriggers)).toEqual([]);
  });
});

describe("RemoteCommand plan", () => {
  it("updates in place when a script or payload changed", () => {
    expect(planChange(base, { ...base, create: "cat > /etc/x && sync" })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: true,
    });
  });
  it("replaces, deleting first, when the host changed", () => {
    expect(planChange(base, { ...base, connection: { ...conn, host: "10.0.0.9" } })).toEqual({
      changes: true,
      replaces: ["connection"],
      deleteBeforeReplace: true,
    });
  });
  it("does nothing when nothing changed", () => {
    expect(planChange(base, { ...base }).changes).toBe(false);
  });
});

describe("a state written by another provider", () => {
  const stored = { ...base, __provider: "exports.handler = ...16.7 KB of serialized code" };
  const current = { ...base, __provider: "exports.handler = loader" };

  it("is updated in place, never replaced", () => {
    expect(planChange(stored, current)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
  });

  it("is rewritten without touching the host, keeping the captured result", async () => {
    // Nothing listens on port 1: a script run would fail the update.
    const unreachable = { ...conn, host: "127.0.0.1", port: 1 };
    const provider = remoteCommandProvider(() => undefined);
    const olds = { ...stored, connection: unreachable, captureResult: true, result: "v1.2.3" };
    const news = { ...current, connection: unreachable, captureResult: true };
    await expect(provider.update?.("id", olds, news)).resolves.toEqual({ outs: { ...news, result: "v1.2.3" } });
  });
});

/** The `__provider` text a RemoteCommand stores in the state, from a mocked registration. */
async function storedProvider(): Promise<string> {
  let text: Promise<string> | undefined;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        text = Promise.resolve(args.inputs.__provider);
        return { id: "id", state: args.inputs };
      },
      call: () => ({}),
    },
    "openclaw-infra",
    "unit",
    false,
  );
  new RemoteCommand("step", { connection: conn, label: "x", create: "true" });
  await new Promise((resolve) => setTimeout(resolve, 100));
  if (!text) throw new Error("no RemoteCommand was registered");
  return text;
}

describe("the provider stored in every resource's state", () => {
  it("is one line naming command-provider.js from the program's directory, the same in every clone", async () => {
    const text = await storedProvider();
    expect(text).toBe('exports.handler = () => require(require("path").resolve("src/remote/command-provider.js"));');
  });

  it("gives the provider's methods in a process started as the provider's is: plain Node in the program's directory", async () => {
    const text = await storedProvider();
    // An unchanged resource (its check aside) is decided without compiling the provider's module.
    const probe = `
      const provider = require("require-from-string")(require("fs").readFileSync(0, "utf8")).handler();
      const stored = ${JSON.stringify({ ...base, check: "old", result: "1", __provider: text })};
      const compiled = () => require.extensions[".ts"] !== undefined;
      provider.configure({ config: { get: () => undefined } }).then(async () => {
        const same = await provider.diff("id", stored, { ...stored, check: "new", result: undefined });
        const sameCompiled = compiled();
        const changed = await provider.diff("id", stored, { ...stored, stdin: "v2" });
        const methods = ["create", "update", "delete", "read"].filter((m) => typeof provider[m] === "function");
        console.log(JSON.stringify({ methods, same, sameCompiled, changed, changedCompiled: compiled() }));
      });`;
    const r = spawnSync(process.execPath, ["-e", probe], { cwd: REPO, input: text, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({
      methods: ["create", "update", "delete", "read"],
      same: { changes: false },
      sameCompiled: false,
      changed: { changes: true, replaces: [], deleteBeforeReplace: true },
      changedCompiled: true,
    });
  });
});
