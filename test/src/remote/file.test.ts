// The file primitive's script, run for real by bash on this machine against a temp folder.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileScript } from "../../../src/remote/file";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "file-primitive-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(script: string, stdin: string) {
  return spawnSync("bash", ["-euo", "pipefail", "-c", script], { input: stdin, encoding: "utf8" });
}
const owner = execFileSync("id", ["-un"], { encoding: "utf8" }).trim();
const group = execFileSync("id", ["-gn"], { encoding: "utf8" }).trim();

describe("writeFileScript", () => {
  it("writes content from stdin with the mode asked for, then reports no change", () => {
    const target = path.join(dir, "sub", "gateway.env");
    const script = writeFileScript(target, owner, group, "0600");
    const first = run(script, "TOKEN=abc\n");
    expect(first.status).toBe(0);
    expect(first.stdout).toBe(`wrote ${target}\n`);
    expect(fs.readFileSync(target, "utf8")).toBe("TOKEN=abc\n");
    expect((fs.statSync(target).mode & 0o777).toString(8)).toBe("600");

    const second = run(script, "TOKEN=abc\n");
    expect(second.stdout).toBe(`unchanged ${target}\n`);
    expect(fs.readdirSync(path.dirname(target))).toEqual(["gateway.env"]);
  });

  it("puts a mode back in place when only the mode differs: same file, same mtime (a service reading it stays fresh)", () => {
    const target = path.join(dir, "f");
    run(writeFileScript(target, owner, group, "0644"), "x");
    fs.utimesSync(target, new Date(), new Date(Date.now() - 3_600_000));
    const before = fs.statSync(target);
    expect(run(writeFileScript(target, owner, group, "0640"), "x").stdout).toBe(`set owner and mode of ${target}\n`);
    const after = fs.statSync(target);
    expect((after.mode & 0o777).toString(8)).toBe("640");
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(run(writeFileScript(target, owner, group, "0640"), "x").stdout).toBe(`unchanged ${target}\n`);
    expect(fs.readdirSync(dir)).toEqual(["f"]);
  });

  it("leaves the old file and no temp file behind when it fails", () => {
    const target = path.join(dir, "f");
    fs.writeFileSync(target, "old");
    const failed = run(writeFileScript(target, "no-such-user-here", group, "0644"), "new");
    expect(failed.status).not.toBe(0);
    expect(fs.readFileSync(target, "utf8")).toBe("old");
    expect(fs.readdirSync(dir)).toEqual(["f"]);
  });

  it("keeps content with quotes and dollars literal", () => {
    const target = path.join(dir, "it's $HOME.json");
    const content = `{"a": "it's $HOME \`id\`"}\n`;
    expect(run(writeFileScript(target, owner, group, "0644"), content).status).toBe(0);
    expect(fs.readFileSync(target, "utf8")).toBe(content);
  });
});
