// sshd's hardening drop-in: options, the file (golden), checked by the real `sshd -t` as Debian's
// sshd_config includes it, and the component under mocks.
import * as pulumi from "@pulumi/pulumi";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeScript, Sshd } from "../../../components/sshd";
import { PATHS, renderDropIn } from "../../../components/sshd/render";
import { sshdOptionsSchema } from "../../../components/sshd/schema";
import { recorder, value } from "../../support/mocks";

const SSHD = "/usr/sbin/sshd";
if (!fs.existsSync(SSHD)) throw new Error(`${SSHD} is required (Debian's openssh-server; scripts/sshd-tools.sh installs it)`);

const defaults = sshdOptionsSchema.parse({});
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sshd-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) },
    "openclaw-infra",
    "vps1",
    false,
  );
  spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "host_key")]);
});

/** `sshd -t` of a configuration that includes `dropIn` first, as Debian's does, then prints the effective values (`-T`). */
function sshdCheck(dropIn: string) {
  fs.writeFileSync(path.join(dir, "60.conf"), dropIn);
  fs.writeFileSync(
    path.join(dir, "sshd_config"),
    [`Include ${dir}/60.conf`, `HostKey ${dir}/host_key`, "PasswordAuthentication yes", "X11Forwarding yes", ""].join("\n"),
  );
  const config = path.join(dir, "sshd_config");
  const check = spawnSync(SSHD, ["-t", "-f", config], { encoding: "utf8" });
  const effective = spawnSync(SSHD, ["-T", "-f", config, "-C", "user=root,host=h,addr=192.0.2.1"], { encoding: "utf8" });
  return { check, effective: effective.stdout };
}

describe("sshd options", () => {
  it("default to 3 tries, local forwarding only (the operator's tunnel) and a 5-minute keepalive", () => {
    expect(defaults).toEqual({ maxAuthTries: 3, allowTcpForwarding: "local", clientAliveInterval: 300 });
  });
  it("refuse what sshd would not take, naming the field", () => {
    expect(sshdOptionsSchema.safeParse({ allowTcpForwarding: "yes" }).error?.issues[0].path).toEqual(["allowTcpForwarding"]);
    expect(sshdOptionsSchema.safeParse({ maxAuthTries: 0 }).error?.issues[0].path).toEqual(["maxAuthTries"]);
    expect(sshdOptionsSchema.safeParse({ PasswordAuthentication: "no" }).success).toBe(false);
  });
});

describe("the drop-in", () => {
  it("is rendered from the options (golden)", async () => {
    await expect(renderDropIn(defaults)).toMatchFileSnapshot("golden/00-openclaw-infra.conf");
  });
  it("passes the real sshd -t and wins over the main file's values: no passwords, root by key only", () => {
    const r = sshdCheck(renderDropIn(sshdOptionsSchema.parse({ allowTcpForwarding: "no" })));
    expect(r.check.status, r.check.stderr).toBe(0);
    for (const line of [
      "passwordauthentication no",
      "permitrootlogin without-password",
      "maxauthtries 3",
      "x11forwarding no",
      "allowtcpforwarding no",
      "allowagentforwarding no",
    ]) {
      expect(r.effective).toContain(`${line}\n`);
    }
  });
  it("is refused by sshd -t when a value is not sshd's", () => {
    const r = sshdCheck(renderDropIn(defaults).replace("MaxAuthTries 3", "MaxAuthTries three"));
    expect(r.check.status).not.toBe(0);
    expect(r.check.stderr).toContain("MaxAuthTries");
  });
});

describe("the component", () => {
  it("writes the drop-in checked in place by sshd -t, reloads sshd when it changed, and removes it on destroy", async () => {
    const { find, opts } = recorder();
    new Sshd("vps1-sshd", { connection: { host: "192.0.2.11", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA" } }, opts);
    const step = find("vps1-sshd-drop-in").props;
    expect(await value(step.stdin)).toBe(renderDropIn(defaults));
    const create = await value<string>(step.create);
    expect(create).toContain(`dest='${PATHS.dropIn}'`);
    expect(create).toContain("if ! out=$( { sshd -t; } 2>&1 ); then");
    expect(create).toContain(`if [ "$changed" = yes ]; then systemctl reload 'ssh.service';`);
    expect(await value<string>(step.delete)).toBe(removeScript());
  });
});
