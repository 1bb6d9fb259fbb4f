import { describe, expect, it } from "vitest";
import { changedKeys, planChange } from "../../../src/remote/command";

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
    expect(planChange(base, { ...base, create: "cat > /etc/x && sync" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
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
