// The checked file operation's script run for real by bash on this machine: a checker that
// accepts, one that refuses (the old file stays, `apply` does not run), the in-place variant
// that puts the previous file back, and the content a destroy leaves.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CheckedFileSpec, checkedFileScript } from "../../../src/remote/checked-file";
import { fileFacts, fileFactsScript } from "../../../src/remote/file";

let dir: string;
let target: string;
let applied: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "checked-file-"));
  target = path.join(dir, "app.conf");
  applied = path.join(dir, "applied.log");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (script: string, stdin: string) => spawnSync("bash", ["-euo", "pipefail", "-c", script], { input: stdin, encoding: "utf8" });
const isRoot = process.getuid?.() === 0;
const owner = isRoot ? "root" : os.userInfo().username;
const group = isRoot ? "root" : spawnSync("id", ["-gn"], { encoding: "utf8" }).stdout.trim();

/** A checker like the programs' own: refuses any candidate containing "bad". */
function spec(extra: Partial<CheckedFileSpec> = {}): CheckedFileSpec {
  return {
    path: target,
    owner,
    group,
    mode: "0640",
    checkerName: "app --check",
    checker: `! grep -q bad "$candidate" || { echo "line 1: bad setting"; exit 1; }`,
    apply: `echo "apply changed=$changed" >> ${applied}`,
    ...extra,
  };
}
const appliedLines = () => (fs.existsSync(applied) ? fs.readFileSync(applied, "utf8") : "");

describe("checkedFileScript", () => {
  it("writes a candidate the checker accepts with its mode, then applies; a second run only applies", () => {
    const first = run(checkedFileScript(spec()), "good=1\n");
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe(`wrote ${target} (app --check: ok)\n`);
    expect(fs.readFileSync(target, "utf8")).toBe("good=1\n");
    expect((fs.statSync(target).mode & 0o777).toString(8)).toBe("640");
    const second = run(checkedFileScript(spec()), "good=1\n");
    expect(second.stdout).toBe(`unchanged ${target}\n`);
    expect(appliedLines()).toBe("apply changed=yes\napply changed=no\n");
    expect(fs.readdirSync(dir).sort()).toEqual(["app.conf", "applied.log"]);
  });

  it("a mode changed by hand is put back in place, and apply sees changed=no (nothing reloads)", () => {
    run(checkedFileScript(spec()), "good=1\n");
    fs.chmodSync(target, 0o644);
    fs.utimesSync(target, new Date(), new Date(Date.now() - 3_600_000));
    const mtime = fs.statSync(target).mtimeMs;
    const repaired = run(checkedFileScript(spec()), "good=1\n");
    expect(repaired.status, repaired.stderr).toBe(0);
    expect(repaired.stdout).toBe(`set owner and mode of ${target}\n`);
    expect((fs.statSync(target).mode & 0o777).toString(8)).toBe("640");
    expect(fs.statSync(target).mtimeMs).toBe(mtime);
    expect(appliedLines()).toBe("apply changed=yes\napply changed=no\n");
  });

  it("keeps the current file and does not apply when the checker refuses, saying why", () => {
    run(checkedFileScript(spec()), "good=1\n");
    fs.rmSync(applied);
    const refused = run(checkedFileScript(spec()), "bad=1\n");
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toBe(`app --check rejects the new ${target}; the current one stays:\nline 1: bad setting\n`);
    expect(fs.readFileSync(target, "utf8")).toBe("good=1\n");
    expect(appliedLines()).toBe("");
  });

  it("in place: the candidate is checked where the program reads it, and the previous file comes back on refusal", () => {
    const inPlace = spec({ checkInPlace: true, checker: `! grep -q bad "$dest" || { echo "refused in place"; exit 1; }` });
    expect(run(checkedFileScript(inPlace), "good=1\n").status).toBe(0);
    const refused = run(checkedFileScript(inPlace), "bad=1\n");
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("refused in place");
    expect(fs.readFileSync(target, "utf8")).toBe("good=1\n");
    expect((fs.statSync(target).mode & 0o777).toString(8)).toBe("640");
    // No previous file: a refused first candidate leaves nothing behind.
    fs.rmSync(target);
    expect(run(checkedFileScript(inPlace), "bad=1\n").status).not.toBe(0);
    expect(fs.existsSync(target)).toBe(false);
  });
});

describe("fileFactsScript: what refresh reads", () => {
  it("says same, changed or missing without printing the content, with mode and owner", () => {
    const facts = fileFactsScript(target);
    expect(run(facts, "secret=1\n").stdout).toBe("content=missing\nmode=none\nowner=none\n");
    run(checkedFileScript(spec()), "secret=1\n");
    expect(run(facts, "secret=1\n").stdout.trim()).toBe(fileFacts({ owner, group, mode: "0640" }));
    fs.appendFileSync(target, "edited=by hand\n");
    fs.chmodSync(target, 0o644);
    const drifted = run(facts, "secret=1\n").stdout;
    expect(drifted).toBe(`content=changed\nmode=644\nowner=${owner}:${group}\n`);
    expect(drifted).not.toContain("secret");
  });
});
