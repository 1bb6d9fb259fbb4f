import { describe, expect, it } from "vitest";
import { hardening } from "../../src/hardening";

const keys = (d: [string, string][]) => d.map(([k]) => k);

describe("hardening", () => {
  it("turns everything on by default", () => {
    const all = keys(hardening());
    for (const k of ["MemoryDenyWriteExecute", "PrivateUsers", "ProcSubset", "CapabilityBoundingSet", "SystemCallFilter"])
      expect(all).toContain(k);
  });
  it("drops only what a JIT needs", () => {
    expect(keys(hardening()).filter((k) => !keys(hardening({ jit: true })).includes(k))).toEqual(["MemoryDenyWriteExecute"]);
  });
  it("drops only what a journal reader needs", () => {
    expect(keys(hardening()).filter((k) => !keys(hardening({ readsJournal: true })).includes(k))).toEqual(["PrivateUsers", "ProcSubset"]);
  });
  it("keeps the IPC objects of a user another service runs as", () => {
    expect(keys(hardening()).filter((k) => !keys(hardening({ sharesUser: true })).includes(k))).toEqual(["RemoveIPC"]);
  });
  it("appends extra directives last", () => {
    expect(hardening({ extra: [["IPAddressDeny", "any"]] }).at(-1)).toEqual(["IPAddressDeny", "any"]);
  });
});
